/**
 * Small HTTP helpers for the environment server: bounded bodies, JSON replies, bearer-token checks, and the errors
 * a route raises. A route throws `RouteError`; the server renders it in the shape of the protocol the route speaks.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How a protocol shows an error: AgentGym's ALFWorld `{error}`, FastAPI's `{detail}`, or epo's `{error:{code,message}}`. */
export type ErrorShape = 'error' | 'detail' | 'native';

/** A failure a route reports to the client: a status, a message, and for validation a FastAPI-style location. */
export class RouteError extends Error {
  constructor(readonly status: number, message: string, readonly code = 'bad_request', readonly loc?: (string | number)[]) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

const FRAMEWORK = new Set(['not_found', 'method_not_allowed', 'unauthorized']);

/** The error as the protocol shows it. FastAPI reports validation failures (422) as a list of located problems. */
export function errorBody(e: RouteError, shape: ErrorShape): unknown {
  if (shape === 'native') return { error: { code: e.code, message: e.message } };
  if (e.status === 422) return { detail: [{ type: e.code, loc: e.loc ?? ['body'], msg: e.message }] };
  // Unknown routes, wrong methods and refused tokens come from the framework in AgentGym's servers: FastAPI's shape.
  return shape === 'detail' || FRAMEWORK.has(e.code) ? { detail: e.message } : { error: e.message };
}

/** The request body as text, refused with 413 past `max` bytes (the rest is drained so the client reads the 413). */
export function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > max) { req.resume(); return reject(new RouteError(413, `request body of ${declared} bytes is over the limit of ${max} bytes`, 'too_large')); }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) reject(new RouteError(413, `request body is over the limit of ${max} bytes`, 'too_large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A JSON object body; anything else is a 422 as FastAPI gives it. An empty body reads as {}. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) {
    throw new RouteError(422, `JSON decode error: ${(e as Error).message}`, 'json_invalid', ['body']);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new RouteError(422, 'the body must be a JSON object', 'model_attributes_type', ['body']);
  return v as Record<string, unknown>;
}

export function authorized(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1].trim()), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
