/**
 * Typed errors. Every error carries a stable code (for programs) and a message that names what went wrong and
 * where (file, field, line, URL, episode), so a user can fix the input without reading a stack trace.
 */
export type ErrorCode =
  | 'BAD_CONFIG'
  | 'BAD_SPEC'
  | 'BAD_INPUT'
  | 'BAD_DATA'
  | 'MISSING_DATA'
  | 'MODEL_HTTP'
  | 'MODEL_TIMEOUT'
  | 'MODEL_OUTPUT'
  | 'RATE_LIMITED'
  | 'STORE'
  | 'NOT_FOUND'
  | 'INTERRUPTED'
  | 'INTERNAL';

export class EpoError extends Error {
  readonly code: ErrorCode;
  /** Where the problem is: a file path with optional line, a config field, a URL, an episode id. */
  readonly where?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { where?: string; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(opts.where ? `${message} (at ${opts.where})` : message, { cause: opts.cause });
    this.name = 'EpoError';
    this.code = code;
    this.where = opts.where;
    this.details = opts.details;
  }
}

export const isEpoError = (e: unknown, code?: ErrorCode): e is EpoError =>
  e instanceof EpoError && (code === undefined || e.code === code);

/** A short, safe one-line description of any thrown value (for logs and stored episode errors). */
export function describeError(e: unknown): string {
  if (e instanceof EpoError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
