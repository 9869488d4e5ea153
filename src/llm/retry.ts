/**
 * Retry middleware: exponential backoff with full jitter on transient failures (429, 5xx, timeouts, dropped
 * connections), honouring the server's Retry-After. Client errors (400, 401, 403, 404, 422) fail at once: repeating
 * them only burns quota. Sleep and randomness are injectable so tests check the exact delays without waiting.
 */
import { EpoError, isEpoError } from '../core/errors.js';
import type { ChatModel, CompletionRequest, Middleware } from './model.js';

export interface RetryOptions {
  /** Attempts after the first (default 4, so at most 5 calls). */
  retries?: number;
  /** Backoff base: attempt k (from 0) waits up to baseDelayMs * 2^k (default 500 ms). */
  baseDelayMs?: number;
  /** Cap on the backoff and on any Retry-After the server asks for (default 30 s). */
  maxDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1); full jitter draws the delay as random() * ceiling. */
  random?: () => number;
  /** Called before each wait (for logs and tests). */
  onRetry?: (info: { attempt: number; delayMs: number; error: EpoError }) => void;
}

/** Retry-After as milliseconds: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(get: (name: string) => string | null | undefined, now = Date.now()): number | undefined {
  const ms = get('retry-after-ms');
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = get('retry-after');
  if (ra == null || ra.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether an error from a backend is worth another attempt. */
export function isRetryable(e: unknown): e is EpoError {
  if (!isEpoError(e)) return false;
  if (e.code === 'RATE_LIMITED' || e.code === 'MODEL_TIMEOUT') return true;
  if (e.code !== 'MODEL_HTTP') return false;
  const status = e.details?.status as number | undefined;
  if (status === undefined) return e.details?.connection === true;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The wait before retry number `attempt` (0-based): Retry-After when given, else full-jitter backoff. */
export function retryDelay(attempt: number, error: EpoError, o: Required<Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>>): number {
  const asked = error.details?.retryAfterMs as number | undefined;
  if (asked !== undefined) return Math.min(asked, o.maxDelayMs);
  return Math.floor(o.random() * Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });
}

function giveUp(model: ChatModel, attempts: number, last: EpoError): EpoError {
  const status = last.details?.status;
  const what = status !== undefined ? `HTTP ${status}` : last.code === 'MODEL_TIMEOUT' ? 'a timeout' : 'a connection error';
  return new EpoError(last.code, `model ${model.spec} failed after ${attempts} attempts; the last was ${what}: ${last.message}`, {
    cause: last,
    details: { ...last.details, attempts },
  });
}

export function retry(opts: RetryOptions = {}): Middleware {
  const o = {
    retries: opts.retries ?? 4,
    baseDelayMs: opts.baseDelayMs ?? 500,
    maxDelayMs: opts.maxDelayMs ?? 30_000,
    sleep: opts.sleep ?? sleep,
    random: opts.random ?? Math.random,
  };
  const attempt = async <T>(model: ChatModel, req: CompletionRequest, call: () => Promise<T>): Promise<T> => {
    for (let k = 0; ; k++) {
      try {
        return await call();
      } catch (e) {
        if (!isRetryable(e) || req.signal?.aborted) throw e;
        if (k >= o.retries) throw o.retries === 0 ? e : giveUp(model, k + 1, e);
        const delayMs = retryDelay(k, e, o);
        opts.onRetry?.({ attempt: k + 1, delayMs, error: e });
        await o.sleep(delayMs, req.signal);
      }
    }
  };
  return {
    wrapComplete: (req, next, model) => attempt(model, req, () => next(req)),
    async *wrapStream(req, next, model) {
      // A stream is retried only until its first chunk arrives: after that the caller has seen text.
      const it = await attempt(model, req, async () => {
        const iter = next(req)[Symbol.asyncIterator]();
        const first = await iter.next();
        return { iter, first };
      });
      if (it.first.done) return;
      yield it.first.value;
      for (let r = await it.iter.next(); !r.done; r = await it.iter.next()) yield r.value;
    },
  };
}
