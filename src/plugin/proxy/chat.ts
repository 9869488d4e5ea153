/**
 * One chat completion through the proxy: find the session, ask the strategist (bounded by the timeout; on failure
 * pass without a strategy or fail with 502), inject, forward the body unchanged but for `messages`, and send the
 * upstream's answer back as it comes (streams chunk by chunk) while recording it as the session's next turn.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError, EpoError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { redact } from '../../core/secrets.js';
import type { AgentMessage } from '../conversation.js';
import { injectStrategy, type InjectMode } from '../inject.js';
import type { StrategistPrompt } from '../prompt.js';
import { extendsSeen, strategize, type Strategizing } from '../strategize.js';
import { answerOfBody, StreamAccumulator, type Answer } from './answer.js';
import { observationOf, proxyTurn } from './episode.js';
import { ProxyError, parseJson, readBody, sendJson } from './http.js';
import { SESSION_HEADER } from './session-key.js';
import type { Session, SessionTable } from './sessions.js';
import type { Strategists } from './strategists.js';
import { readAll, send, UpstreamFailure, type Upstream } from './upstream.js';

export interface ChatContext {
  upstream: Upstream;
  strategists: Strategists;
  sessions: SessionTable;
  inject: InjectMode;
  onStrategistError: 'pass' | 'fail';
  strategistTimeoutMs: number;
  maxBodyBytes: number;
  maxAnswerBytes: number;
  prompt?: StrategistPrompt;
  strategistMaxTokens?: number;
  log: Logger;
  /** Per request: the proxy's own time is total minus strategist minus upstream (bench/proxy.ts reads it). */
  onTimings?(t: { totalMs: number; strategistMs: number; upstreamMs: number }): void;
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const PASSED_HEADERS = ['content-type', 'retry-after', 'retry-after-ms', 'x-request-id', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'];

/** The request's messages, or a 400 naming what is wrong. */
export function requestMessages(body: unknown): AgentMessage[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ProxyError(400, 'the request body must be a JSON object (a chat completion request)');
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) throw new ProxyError(400, '"messages" must be a non-empty list of chat messages', 'invalid_request_error', null, 'messages');
  messages.forEach((m: unknown, i) => {
    if (!m || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string') {
      throw new ProxyError(400, `messages[${i}] must be an object with a "role"`, 'invalid_request_error', null, `messages[${i}]`);
    }
  });
  return messages as AgentMessage[];
}

function sessionName(req: IncomingMessage): string | undefined {
  const v = req.headers[SESSION_HEADER];
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v[0] : v;
  if (!SESSION_ID.test(s)) throw new ProxyError(400, `the ${SESSION_HEADER} header must be 1 to 128 letters, digits or . _ : @ - (starting with a letter or digit), got ${JSON.stringify(s.slice(0, 40))}`, 'invalid_request_error', null, SESSION_HEADER);
  return s;
}

async function ask(c: ChatContext, s: Session, messages: AgentMessage[]): Promise<{ strategizing?: Strategizing; spec: string; error?: string; ms: number }> {
  const lease = c.strategists.lease(s.arm);
  const t0 = performance.now();
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const call = strategize(messages, { strategist: lease.model, state: s.state, prompt: c.prompt, maxTokens: c.strategistMaxTokens, signal: ac.signal });
  void call.finally(() => lease.release()).catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { ac.abort(); reject(new EpoError('MODEL_TIMEOUT', `the strategist did not answer within ${c.strategistTimeoutMs / 1000} s`, { where: '--strategist-timeout' })); }, c.strategistTimeoutMs);
  });
  try {
    const strategizing = await Promise.race([call, timeout]);
    return { strategizing, spec: lease.spec, ms: performance.now() - t0 };
  } catch (e) {
    return { spec: lease.spec, error: describeError(e), ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}

function passHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of PASSED_HEADERS) { const v = res.headers[h]; if (typeof v === 'string') out[h] = v; }
  return out;
}

export async function handleChat(c: ChatContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const t0 = performance.now();
  const named = sessionName(req);
  const body = parseJson(await readBody(req, c.maxBodyBytes)) as Record<string, unknown>;
  const messages = requestMessages(body);
  const session = c.sessions.find(messages, named);
  res.setHeader(SESSION_HEADER, session.id);
  const abort = new AbortController();
  res.on('close', () => { if (!res.writableFinished) abort.abort(); });
  await c.sessions.serialize(session, async () => {
    const last = session.turns.at(-1);
    if (last && last.observation === '') last.observation = observationOf(messages);
    if (session.state && !extendsSeen(session.state.seen, messages)) c.sessions.restart(session, messages);
    const asked = await ask(c, session, messages);
    if (asked.error) {
      c.log.warn('proxy: strategist failed', { session: session.id, error: asked.error });
      if (c.onStrategistError === 'fail') {
        c.sessions.unanswered(session, messages);
        throw new ProxyError(502, `the strategist failed: ${asked.error}; the request was not forwarded (the proxy runs with --on-strategist-error fail)`, 'strategist_error', 'strategist_failed');
      }
    }
    const strategy = asked.strategizing?.strategy;
    const forwarded = strategy ? injectStrategy(messages, strategy, c.inject) : messages;
    const out = JSON.stringify({ ...body, ...(body.model === undefined ? { model: c.upstream.model } : {}), messages: forwarded });
    const u0 = performance.now();
    let answer: Answer | undefined;
    try {
      answer = await forward(c, out, res, abort.signal);
    } finally {
      const upstreamMs = performance.now() - u0;
      if (answer) {
        const turn = proxyTurn({
          index: session.turns.length, strategizing: asked.strategizing, strategistMs: asked.ms, strategistSpec: asked.spec, strategistError: asked.error,
          forwarded, answer, upstreamMs, stream: body.stream === true,
        });
        c.sessions.answered(session, messages, answer, turn, asked.strategizing?.state);
      } else {
        c.sessions.unanswered(session, messages);
      }
      c.onTimings?.({ totalMs: performance.now() - t0, strategistMs: asked.ms, upstreamMs });
    }
  });
}

/** Forward and relay; the answer when the upstream gave one (2xx), undefined when it refused or failed. */
async function forward(c: ChatContext, body: string, res: ServerResponse, signal: AbortSignal): Promise<Answer | undefined> {
  let up: IncomingMessage;
  try {
    up = await send(c.upstream, { method: 'POST', path: '/chat/completions', body, signal });
  } catch (e) {
    if (e instanceof UpstreamFailure) throw new ProxyError(e.status, e.message, 'upstream_error', e.status === 504 ? 'upstream_timeout' : 'upstream_unreachable');
    throw e;
  }
  const status = up.statusCode ?? 502;
  const headers = passHeaders(up);
  if (status < 200 || status >= 300) {
    const raw = await readAll(up, c.maxAnswerBytes).catch(() => Buffer.from(''));
    const text = redact(raw.toString('utf8'), c.upstream.secrets);
    c.log.warn('proxy: upstream refused', { status, body: text.slice(0, 500) });
    res.writeHead(status, { 'content-type': headers['content-type'] ?? 'application/json', ...headers, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
    return undefined;
  }
  if ((headers['content-type'] ?? '').includes('text/event-stream')) return relayStream(up, res, headers, signal);
  const raw = await readAll(up, c.maxAnswerBytes);
  res.writeHead(status, { ...headers, 'content-type': headers['content-type'] ?? 'application/json', 'content-length': String(raw.length) });
  res.end(raw);
  let parsed: unknown;
  try { parsed = JSON.parse(raw.toString('utf8')); } catch { parsed = undefined; }
  return answerOfBody(parsed) ?? { content: '', toolCalls: [] };
}

/** Pass each chunk on as it arrives (respecting the client's pace) and accumulate the answer for the record. */
function relayStream(up: IncomingMessage, res: ServerResponse, headers: Record<string, string>, signal: AbortSignal): Promise<Answer | undefined> {
  res.writeHead(200, { ...headers, 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  const acc = new StreamAccumulator();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (a: Answer | undefined) => { if (!settled) { settled = true; resolve(a); } };
    up.on('data', (chunk: Buffer) => {
      acc.push(chunk);
      if (!res.write(chunk)) { up.pause(); res.once('drain', () => up.resume()); }
    });
    up.on('end', () => { res.end(); settle(acc.answer()); });
    up.on('error', () => { res.end(); settle(undefined); });
    signal.addEventListener('abort', () => { up.destroy(); settle(undefined); }, { once: true });
  });
}

/** GET /v1/models: the upstream's list, as it answered. */
export async function handleModels(c: ChatContext, res: ServerResponse): Promise<void> {
  let up: IncomingMessage;
  try { up = await send(c.upstream, { method: 'GET', path: '/models' }); } catch (e) {
    if (e instanceof UpstreamFailure) throw new ProxyError(e.status, e.message, 'upstream_error', 'upstream_unreachable');
    throw e;
  }
  const raw = redact((await readAll(up, c.maxAnswerBytes)).toString('utf8'), c.upstream.secrets);
  const headers = passHeaders(up);
  res.writeHead(up.statusCode ?? 502, { 'content-type': 'application/json', ...headers, 'content-length': String(Buffer.byteLength(raw)) });
  res.end(raw);
}

export { sendJson };
