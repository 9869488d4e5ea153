/**
 * A `fetch` over node:http/node:https with keep-alive agents, handed to the OpenAI SDK (its `fetch` option).
 * Node's built-in fetch (undici) costs 0.6–1 ms of CPU per call; at hundreds of calls per second that alone
 * saturates a small machine, while a plain keep-alive request costs about a third of that. It implements what the SDK
 * uses: string or byte bodies, the abort signal (rejecting with an AbortError, which the SDK turns into its
 * timeout or cancellation error), and a `Response` whose body streams for server-sent events and is read whole
 * (one buffer, no web stream) otherwise. A dropped connection rejects with the socket's error, which the SDK reports
 * as a connection error. A body bigger than `maxBodyBytes` (a server that never stops answering) is cut off with a
 * ResponseTooLarge error instead of filling the memory.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';

export interface NodeFetchOptions {
  /** Sockets per host (default: unbounded; the concurrency limiter upstream bounds requests). */
  maxSockets?: number;
  /** Idle sockets kept per host for reuse (default 1024, so a burst of hundreds of calls reuses its connections). */
  maxFreeSockets?: number;
  /** Largest response body read (default: unbounded); more rejects (or errors the stream) with ResponseTooLarge. */
  maxBodyBytes?: number;
}

/** A response body over the limit: the connection is dropped after `limit` bytes. */
export class ResponseTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the response body is over ${limit} bytes`);
    this.name = 'ResponseTooLarge';
  }
}

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const NULL_BODY = new Set([101, 204, 205, 304]);

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException(reason instanceof Error ? reason.message : 'This operation was aborted', 'AbortError');
}

function outgoingHeaders(h: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => { out[k] = v; });
  else if (Array.isArray(h)) for (const [k, v] of h) out[k.toLowerCase()] = v;
  else for (const [k, v] of Object.entries(h as Record<string, string>)) out[k.toLowerCase()] = v;
  return out;
}

function responseHeaders(raw: string[]): Headers {
  const h = new Headers();
  for (let i = 0; i < raw.length; i += 2) h.append(raw[i], raw[i + 1]);
  return h;
}

function bodyBytes(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('nodeFetch sends string or byte bodies only');
}

/**
 * A streamed body as a web stream that reads at most `max` bytes (then errors with ResponseTooLarge and drops the
 * connection). Written out rather than Readable.toWeb, which can enqueue after the reader cancelled; `ended` guards it.
 */
function boundedStream(res: IncomingMessage, max: number): ReadableStream<Uint8Array> {
  let ended = false, size = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (e: Error) => { if (!ended) { ended = true; controller.error(e); } };
      res.on('data', (c: Buffer) => {
        if (ended) return;
        size += c.length;
        if (size > max) { fail(new ResponseTooLarge(max)); res.destroy(); return; }
        controller.enqueue(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) res.pause();
      });
      res.on('end', () => { if (!ended) { ended = true; controller.close(); } });
      res.on('error', fail);
      res.on('close', () => fail(new Error('the connection closed before the response was complete')));
    },
    pull() { res.resume(); },
    cancel() { ended = true; res.destroy(); },
  }, { highWaterMark: 16 });
}

/** A fetch function with its own keep-alive agents; `close()` drops the idle sockets. */
export function createNodeFetch(o: NodeFetchOptions = {}): FetchFn & { close(): void } {
  const agentOptions = { keepAlive: true, maxSockets: o.maxSockets ?? Infinity, maxFreeSockets: o.maxFreeSockets ?? 1024, scheduling: 'lifo' as const };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const maxBody = o.maxBodyBytes ?? Infinity;

  const fetchFn = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) throw new TypeError('nodeFetch takes a URL, not a Request');
    const url = typeof input === 'string' ? new URL(input) : input;
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return Promise.reject(new TypeError(`nodeFetch: unsupported protocol ${url.protocol}`));
    const body = bodyBytes(init.body);
    const headers = outgoingHeaders(init.headers);
    if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);

    return new Promise<Response>((resolve, reject) => {
      const req = (secure ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http });
      let settled = false;
      let onAbort = () => {
        settled = true;
        const err = abortError(signal!);
        reject(err);
        req.destroy(err);
      };
      const listener = () => onAbort();
      const cleanup = () => signal?.removeEventListener('abort', listener);
      signal?.addEventListener('abort', listener, { once: true });
      req.on('error', (e) => { cleanup(); if (!settled) { settled = true; reject(e); } });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const meta = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.rawHeaders) };
        const type = String(res.headers['content-type'] ?? '');
        if (NULL_BODY.has(status) || init.method === 'HEAD') {
          res.resume();
          cleanup();
          settled = true;
          return resolve(new Response(null, meta));
        }
        if (type.startsWith('text/event-stream')) {
          // Streamed: the SDK reads events as they arrive; an abort or a drop errors the stream.
          settled = true;
          onAbort = () => res.destroy(abortError(signal!));
          res.once('close', cleanup);
          return resolve(new Response(boundedStream(res, maxBody), meta));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= maxBody) return void chunks.push(c);
          if (settled) return;
          settled = true;
          cleanup();
          chunks.length = 0;
          reject(new ResponseTooLarge(maxBody));
          res.destroy();
        });
        res.on('error', (e) => { cleanup(); if (!settled) { settled = true; reject(e); } });
        res.on('close', () => {
          cleanup();
          if (settled) return;
          settled = true;
          if (!res.complete) return reject(new Error('the connection closed before the response was complete'));
          resolve(new Response(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), meta));
        });
      });
      req.end(body);
    });
  };
  return Object.assign(fetchFn, { close: () => { agents.http.destroy(); agents.https.destroy(); } });
}
