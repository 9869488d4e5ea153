/** The proxy's HTTP plumbing: OpenAI-shaped errors, JSON answers, bounded request bodies, the client's bearer token. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redact } from '../../core/secrets.js';

/** A failure the client is told about, in OpenAI's error shape. */
export class ProxyError extends Error {
  constructor(readonly status: number, message: string, readonly type = 'invalid_request_error', readonly code: string | null = null, readonly param: string | null = null) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

export function sendError(res: ServerResponse, e: ProxyError, secrets: string[]): void {
  sendJson(res, e.status, { error: { message: redact(e.message, secrets), type: e.type, param: e.param, code: e.code } });
}

export function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > max) { req.resume(); reject(new ProxyError(413, `the request body of ${declared} bytes is over the limit of ${max} bytes (--max-body-bytes)`)); return; }
    const chunks: Buffer[] = [];
    let size = 0, over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) { if (!over) reject(new ProxyError(413, `the request body is over the limit of ${max} bytes (--max-body-bytes)`)); over = true; return; }
      chunks.push(c);
    });
    req.on('end', () => { if (!over) resolve(Buffer.concat(chunks).toString('utf8')); });
    req.on('error', reject);
  });
}

export function authorized(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1].trim()), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parse a JSON request body, or a 400 saying what is wrong with it. */
export function parseJson(raw: string): unknown {
  try { return JSON.parse(raw); } catch (e) { throw new ProxyError(400, `the request body is not valid JSON: ${(e as Error).message}`); }
}
