/**
 * One JSON POST over a keep-alive node:http(s) agent, for the plain (non-streamed) chat call. Going through the SDK
 * cost about half of the client's CPU per call at hundreds of calls per second: a `Request`-like options object, its
 * header merging and eager debug-log formatting, an `AbortController` and timer, a web `Response` and its body
 * stream, and an abort listener left on the caller's signal per call. Here the target and the fixed headers are
 * computed once, the body is read into one buffer, and every listener and timer is removed when the call settles.
 * The caller (openai.ts) turns the outcome into the same errors the SDK path gives.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { ResponseTooLarge } from './node-fetch.js';

export interface ChatPostOptions {
  /** The endpoint, e.g. `http://127.0.0.1:8000/v1/chat/completions`. */
  url: string;
  /** Sent on every request (lower-case names). */
  headers: Record<string, string>;
  timeoutMs: number;
  /** Largest response body read; more rejects with ResponseTooLarge and drops the connection. */
  maxBodyBytes: number;
}

export interface PostedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Why a post ended without an answer, besides a socket error (which is passed on as it is). */
export class PostCancelled extends Error {
  constructor(readonly by: 'signal' | 'timeout') {
    super(by === 'signal' ? 'the request was cancelled' : 'the request timed out');
    this.name = 'PostCancelled';
  }
}

export interface ChatPoster {
  post(body: string, signal?: AbortSignal): Promise<PostedAnswer>;
  /** Drop the idle connections. */
  close(): void;
}

export function chatPoster(o: ChatPostOptions): ChatPoster {
  const url = new URL(o.url);
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw new TypeError(`unsupported protocol ${url.protocol}`);
  const lib = secure ? https : http;
  const agent = new lib.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo' });
  const target = {
    protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined,
    path: url.pathname + url.search, method: 'POST', agent,
  };
  // Headers as a flat [name, value, …] list, built once: node:http then writes them as given instead of validating
  // and merging each one per request. It adds no Host header to such a list, so it is part of it, as node would
  // write it (brackets around IPv6, no default port).
  const headerList = Object.entries({ host: url.host, ...o.headers }).flat();

  const post = (body: string, signal?: AbortSignal): Promise<PostedAnswer> => new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new PostCancelled('signal'));
    const req = lib.request({ ...target, headers: [...headerList, 'content-length', String(Buffer.byteLength(body))] });
    let settled = false;
    const settle = (err: Error | undefined, answer?: PostedAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) { reject(err); req.destroy(); } else resolve(answer!);
    };
    const onAbort = () => settle(new PostCancelled('signal'));
    const timer = setTimeout(() => settle(new PostCancelled('timeout')), o.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => settle(e));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > o.maxBodyBytes) return settle(new ResponseTooLarge(o.maxBodyBytes));
        chunks.push(c);
      });
      res.on('error', (e) => settle(e));
      res.on('end', () => settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }));
      res.on('close', () => settle(new Error('the connection closed before the response was complete')));
    });
    req.end(body);
  });
  return { post, close: () => agent.destroy() };
}
