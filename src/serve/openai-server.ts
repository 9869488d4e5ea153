/**
 * `epo serve`: any ChatModel behind the OpenAI chat completions protocol, on node:http. Agents, judges and Python
 * trainers then reach the built-in model exactly as they reach vLLM. Binds 127.0.0.1 unless told otherwise;
 * an optional bearer token guards it. A `faults` hook lets tests make it answer 429/500, stall, or drop the socket.
 * The model is loaded before the server listens, so a broken one fails at start, not on every request. Failures of
 * the model or the server reach clients only as a generic message with a request id (also the `x-request-id` header
 * of every response); the details, which may name files and upstream URLs, go to the server's log.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError, EpoError, isEpoError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { redact } from '../core/secrets.js';
import { estimateTokens, type ChatModel } from '../llm/model.js';
import { parseModelSpec } from '../llm/spec.js';
import { toCompletionRequest, validateChatRequest } from './chat-request.js';
import { checkHost, listenError, OPTION_NAMES } from './listen.js';

/** What the server does to a chosen request instead of (or before) answering it. */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; retryAfterMs?: number; message?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };

/** Called with the 1-based number of each chat completion request; return a fault to inject one. */
export type FaultHook = (n: number, req: IncomingMessage) => Fault | undefined;

export interface ServerOptions {
  model: ChatModel;
  /** The name listed by /v1/models and accepted in requests (default: the spec's model name). */
  name?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Bearer token every request must carry (read it from the environment; never from a file). */
  token?: string;
  /** Request bodies above this answer 413 (default 4 MiB). */
  maxBodyBytes?: number;
  faults?: FaultHook;
  logger?: Logger;
  /** What to call the settings in start-up errors (the CLI passes its flags: --host, --port, --model). */
  names?: { host?: string; port?: string; model?: string };
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8000 (the OpenAI base URL is `${url}/v1`). */
  url: string;
  baseURL: string;
  port: number;
  /** Chat completion requests received so far. */
  requests(): number;
  close(): Promise<void>;
}

/** An answer with an error status. `message` is what the client reads; `detail`, when set, is only logged. */
class HttpError extends Error {
  detail?: string;
  constructor(readonly status: number, message: string, readonly type = 'invalid_request_error', readonly param: string | null = null, readonly code: string | null = null) {
    super(message);
  }
}

const withDetail = (e: HttpError, detail: string): HttpError => { e.detail = detail; return e; };

/** What a failure looks like in the log: the error, and what caused it. */
function details(e: unknown): string {
  const cause = e instanceof Error && e.cause !== undefined ? `; caused by ${describeError(e.cause)}` : '';
  return describeError(e) + cause;
}

/** A failure the client cannot act on beyond retrying: a generic message naming the request in the log. */
const internal = (requestId: string, e: unknown): HttpError =>
  withDetail(new HttpError(500, `the server failed to answer (request id ${requestId}); its log has the details`, 'server_error'), details(e));

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

function sendError(res: ServerResponse, e: HttpError, headers: Record<string, string> = {}): void {
  sendJson(res, e.status, { error: { message: redact(e.message), type: e.type, param: e.param, code: e.code } }, headers);
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > max) return reject(new HttpError(413, `request body of ${declared} bytes is over the limit of ${max} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Over the bound: answer at once, keep draining (not storing) so the client sees the 413, not a reset.
      if (size > max) reject(new HttpError(413, `request body is over the limit of ${max} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function authorized(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1].trim()), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A backend failure as an OpenAI-shaped error: overload and timeouts keep their meaning for the client's retries.
 * The backend's own message may name checkpoint paths or upstream URLs, so it only goes to the log.
 */
function modelFailure(e: unknown, requestId: string): HttpError {
  const id = `(request id ${requestId})`;
  if (isEpoError(e, 'RATE_LIMITED')) return withDetail(new HttpError(429, `the model is overloaded; retry later ${id}`, 'rate_limit_error'), details(e));
  if (isEpoError(e, 'MODEL_TIMEOUT')) return withDetail(new HttpError(504, `the model did not answer in time ${id}`, 'server_error'), details(e));
  if (isEpoError(e, 'BAD_INPUT')) return withDetail(new HttpError(400, `the model could not process this request ${id}`), details(e));
  return internal(requestId, e);
}

/** The name a model is served under: the model name of an HTTP spec, the folder of a checkpoint, a script's name. */
export function servedName(spec: string): string {
  try {
    const s = parseModelSpec(spec);
    if (s.kind === 'local') return s.path.replace(/\/+$/, '').split('/').pop() || s.path;
    return s.kind === 'scripted' ? s.name : s.model;
  } catch {
    return spec;
  }
}

/** Load the model now; a failure names the spec (and the setting that chose it). */
async function loadModel(model: ChatModel, where: string): Promise<void> {
  try {
    await model.ready?.();
  } catch (e) {
    const why = isEpoError(e) ? e.message : describeError(e);
    throw new EpoError(isEpoError(e) ? e.code : 'INTERNAL', `cannot load the model ${model.spec}: ${why}`, { where, cause: e });
  }
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const names = { ...OPTION_NAMES, ...o.names };
  const bindHost = checkHost(o.host ?? '127.0.0.1', names.host);
  const bindPort = o.port ?? 0;
  if (!Number.isInteger(bindPort) || bindPort < 0 || bindPort > 65535) throw new EpoError('BAD_INPUT', `port must be a whole number from 0 to 65535, got ${bindPort}`, { where: names.port });
  await loadModel(o.model, o.names?.model ?? 'model');
  const name = o.name ?? servedName(o.model.spec);
  const maxBody = o.maxBodyBytes ?? 4 * 1024 * 1024;
  const log = o.logger ?? silentLogger;
  const created = Math.floor(Date.now() / 1000);
  let count = 0;

  async function chat(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const n = ++count;
    const fault = o.faults?.(n, req);
    if (fault?.kind === 'drop') { req.socket.destroy(); return; }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      await readBody(req, maxBody).catch(() => '');
      sendError(res, new HttpError(fault.status, fault.message ?? `injected fault: HTTP ${fault.status}`, fault.status === 429 ? 'rate_limit_error' : 'server_error'), headers);
      return;
    }
    const raw = await readBody(req, maxBody);
    let json: unknown;
    try { json = JSON.parse(raw); } catch (e) { throw new HttpError(400, `the request body is not valid JSON: ${(e as Error).message}`); }
    const v = validateChatRequest(json);
    if (!v.ok) throw new HttpError(400, v.message, 'invalid_request_error', v.param || null);
    if (v.body.model !== name) throw new HttpError(404, `the model "${v.body.model}" does not exist; this server serves "${name}"`, 'invalid_request_error', 'model', 'model_not_found');
    const abort = new AbortController();
    res.on('close', () => { if (!res.writableFinished) abort.abort(new Error('client disconnected')); });
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (abort.signal.aborted) return;
    const creq = toCompletionRequest(v.body, abort.signal);
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const now = Math.floor(Date.now() / 1000);
    if (!v.body.stream) {
      let r;
      try { r = await o.model.complete(creq); } catch (e) { throw modelFailure(e, requestId); }
      sendJson(res, 200, {
        id, object: 'chat.completion', created: now, model: name,
        choices: [{ index: 0, message: { role: 'assistant', content: r.text }, finish_reason: r.finishReason, logprobs: null }],
        usage: { prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens, total_tokens: r.usage.promptTokens + r.usage.completionTokens },
      });
      return;
    }
    // Server-sent events: a role chunk, content chunks, a finish chunk, optionally a usage chunk, then [DONE].
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      ({ id, object: 'chat.completion.chunk', created: now, model: name, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
    const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      send(chunk({ role: 'assistant', content: '' }, null));
    };
    let finish = 'stop';
    let usage = { promptTokens: 0, completionTokens: 0 };
    try {
      if (o.model.stream) {
        let out = '';
        for await (const piece of o.model.stream(creq)) {
          start();
          out += piece;
          send(chunk({ content: piece }, null));
        }
        usage = { promptTokens: creq.messages.reduce((k, m) => k + estimateTokens(m.content) + 4, 0), completionTokens: estimateTokens(out) };
      } else {
        const r = await o.model.complete(creq);
        start();
        if (r.text) send(chunk({ content: r.text }, null));
        finish = r.finishReason;
        usage = r.usage;
      }
    } catch (e) {
      const f = modelFailure(e, requestId);
      if (!started) throw f;
      log.warn('serve: stream failed', { requestId, status: f.status, error: f.detail });
      send({ error: { message: redact(f.message), type: f.type, param: null, code: null } });
      res.end();
      return;
    }
    start();
    send(chunk({}, finish));
    if (v.body.stream_options?.include_usage) {
      send({ id, object: 'chat.completion.chunk', created: now, model: name, choices: [],
        usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens } });
    }
    res.end('data: [DONE]\n\n');
  }

  const routes: Record<string, { method: string; handle: (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void> | void }> = {
    '/v1/chat/completions': { method: 'POST', handle: chat },
    '/v1/models': { method: 'GET', handle: (_q, res) => sendJson(res, 200, { object: 'list', data: [{ id: name, object: 'model', created, owned_by: 'epo' }] }) },
    '/health': { method: 'GET', handle: (_q, res) => sendJson(res, 200, { status: 'ok', model: name }) },
  };

  const server = createServer((req, res) => {
    const t0 = performance.now();
    const requestId = `req_${randomUUID().replace(/-/g, '')}`;
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    const route = routes[path];
    const handle = async () => {
      if (!route) throw new HttpError(404, `no route ${req.method} ${path} (this server has POST /v1/chat/completions, GET /v1/models, GET /health)`, 'invalid_request_error', null, 'not_found');
      if (req.method !== route.method) throw new HttpError(405, `${path} only accepts ${route.method}`, 'invalid_request_error', null, 'method_not_allowed');
      if (o.token !== undefined && path !== '/health' && !authorized(req, o.token)) {
        throw new HttpError(401, 'missing or wrong bearer token (send "Authorization: Bearer <token>")', 'invalid_request_error', null, 'invalid_api_key');
      }
      await route.handle(req, res, requestId);
    };
    handle().catch((e: unknown) => {
      const err = e instanceof HttpError ? e : internal(requestId, e);
      if (!res.headersSent && !res.destroyed) sendError(res, err, route && err.status === 405 ? { allow: route.method } : {});
      else res.end();
      if (err.status >= 500 || err.detail) log.warn('serve: request failed', { requestId, path, status: err.status, error: err.detail ?? err.message });
    }).finally(() => log.debug('serve: request', { requestId, method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - t0) }));
  });

  // Clients pool connections for minutes (the SDK's, Python's httpx); the 5 s default makes the server close idle
  // sockets a pooled client may be about to reuse. headersTimeout must exceed keepAliveTimeout.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(listenError(e, bindHost, bindPort, names)));
    server.listen(bindPort, bindHost, () => { server.removeAllListeners('error'); resolve(); });
  });
  server.on('error', (e) => log.error('serve: server error', { error: describeError(e) }));
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    port: addr.port,
    requests: () => count,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
