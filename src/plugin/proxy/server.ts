/**
 * `epo proxy` as a library: an OpenAI-compatible server in front of an OpenAI-compatible upstream that puts a
 * strategist's advice into every chat request and records each agent session as an episode.
 *
 *   POST /v1/chat/completions            the agent's request, strategy injected, relayed (plain or streamed)
 *   GET  /v1/models                      the upstream's models
 *   GET  /health                         liveness, open sessions, the strategists in use (no token needed)
 *   POST /v1/epo/sessions/{id}/outcome   {reward, success}: closes the session and stores it
 *   GET|POST /v1/epo/strategist          the strategists in use | {spec, arm?}: hot swap
 *
 * Binds 127.0.0.1 unless told otherwise; with a token every route but /health needs `Authorization: Bearer`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Episode } from '../../core/episode.js';
import { describeError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { createRng, deriveSeed } from '../../core/random.js';
import { redact, secretValues } from '../../core/secrets.js';
import { codeVersion } from '../../core/version.js';
import { modelRef } from '../../llm/spec.js';
import { checkHost, listenError, OPTION_NAMES, type ListenNames } from '../../serve/listen.js';
import type { InjectMode } from '../inject.js';
import type { StrategistPrompt } from '../prompt.js';
import { handleChat, handleModels, type ChatContext } from './chat.js';
import { authorized, parseJson, ProxyError, readBody, sendError, sendJson } from './http.js';
import { SessionTable } from './sessions.js';
import { assignArm, Strategists, type Arm, type LoadModel } from './strategists.js';
import { upstreamFromSpec, type Upstream } from './upstream.js';

export interface ProxyOptions {
  /** The upstream spec (openai:… or http(s)://…#model), or one already resolved. */
  upstream: string | Upstream;
  strategist: string;
  /** A second strategist: new sessions go to it with probability `split`. */
  candidate?: string;
  split?: number;
  /** Model specs to models (the CLI passes createModel). */
  load: LoadModel;
  inject?: InjectMode;
  onStrategistError?: 'pass' | 'fail';
  strategistTimeoutMs?: number;
  /** Sessions idle this long are closed and stored (0: never). */
  idleTimeoutMs?: number;
  host?: string;
  port?: number;
  token?: string;
  maxBodyBytes?: number;
  /** The run the episodes belong to, and where they go. */
  run: string;
  save(e: Episode): void;
  stored?(id: string): boolean;
  seed?: number;
  prompt?: StrategistPrompt;
  strategistMaxTokens?: number;
  logger?: Logger;
  names?: Partial<ListenNames>;
  onTimings?: ChatContext['onTimings'];
  /** At close, how long requests in flight may take to finish before their connections are cut (default 10 s). */
  drainMs?: number;
}

export interface RunningProxy {
  url: string;
  baseURL: string;
  port: number;
  swap(spec: string, arm?: Arm): Promise<void>;
  strategists(): Partial<Record<Arm, string>>;
  openSessions(): number;
  /** Stop listening, let requests in flight finish, store the open sessions. */
  close(): Promise<void>;
}

const OUTCOME = /^\/v1\/epo\/sessions\/([^/]+)\/outcome$/;

export async function startProxy(o: ProxyOptions): Promise<RunningProxy> {
  const names = { ...OPTION_NAMES, ...o.names };
  const host = checkHost(o.host ?? '127.0.0.1', names.host);
  const upstream = typeof o.upstream === 'string' ? upstreamFromSpec(o.upstream) : o.upstream;
  const log = o.logger ?? silentLogger;
  const secrets = [...upstream.secrets, ...(o.token ? [o.token] : []), ...secretValues()];
  const strategists = new Strategists(o.load);
  await strategists.set('A', o.strategist);
  if (o.candidate) await strategists.set('B', o.candidate).catch(async (e: unknown) => { await strategists.close(); throw e; });
  const split = o.split ?? 0.5;
  const seed = o.seed ?? 0;
  const rng = createRng(deriveSeed(seed, 'proxy-arms'));
  const version = codeVersion();
  const sessions = new SessionTable({
    run: o.run, seed, codeVersion: version,
    start: () => {
      const arm = assignArm(rng.next(), split, strategists.has('B'));
      return { arm, models: { strategist: modelRef(strategists.spec(arm)), actor: modelRef(upstream.spec) } };
    },
    save: (e) => {
      try { o.save(e); } catch (err) { log.error('proxy: cannot store a session', { episode: e.id, error: describeError(err) }); }
    },
    stored: o.stored ?? (() => false),
  });
  const ctx: ChatContext = {
    upstream, strategists, sessions, inject: o.inject ?? 'system', onStrategistError: o.onStrategistError ?? 'pass',
    strategistTimeoutMs: o.strategistTimeoutMs ?? 30_000, maxBodyBytes: o.maxBodyBytes ?? 4 * 1024 * 1024, maxAnswerBytes: 64 * 1024 * 1024,
    prompt: o.prompt, strategistMaxTokens: o.strategistMaxTokens, log, onTimings: o.onTimings,
  };

  async function outcome(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const body = parseJson(await readBody(req, ctx.maxBodyBytes)) as { reward?: unknown; success?: unknown } | null;
    const reward = body?.reward;
    if (typeof reward !== 'number' || !Number.isFinite(reward)) throw new ProxyError(400, '"reward" must be a number (e.g. {"reward": 1, "success": true})', 'invalid_request_error', null, 'reward');
    if (body?.success !== undefined && typeof body.success !== 'boolean') throw new ProxyError(400, '"success" must be true or false', 'invalid_request_error', null, 'success');
    const s = sessions.get(id);
    if (!s) throw new ProxyError(404, `no open session "${id}" (closed already by an outcome or idleness, or never started; the X-EPO-Session response header names a request's session)`, 'invalid_request_error', 'session_not_found');
    const success = typeof body?.success === 'boolean' ? body.success : reward > 0;
    // after the session's requests in flight, so their turns are in the episode
    const e = await sessions.serialize(s, () => Promise.resolve(sessions.close(s, { reward, success, reason: 'outcome' })));
    sendJson(res, 200, { session: id, episode: e?.id ?? null, turns: e?.turns.length ?? 0, stored: e !== undefined });
  }

  async function strategist(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') { sendJson(res, 200, { strategists: strategists.specs(), swaps: strategists.swapCount() }); return; }
    const body = parseJson(await readBody(req, ctx.maxBodyBytes)) as { spec?: unknown; arm?: unknown } | null;
    if (typeof body?.spec !== 'string' || !body.spec.trim()) throw new ProxyError(400, '"spec" must be a model spec, e.g. {"spec": "local:runs/x/checkpoint"}', 'invalid_request_error', null, 'spec');
    const arm = body.arm ?? 'A';
    if (arm !== 'A' && arm !== 'B') throw new ProxyError(400, '"arm" must be "A" or "B"', 'invalid_request_error', null, 'arm');
    try { await strategists.swap(arm, body.spec); } catch (e) { throw new ProxyError(400, (e as Error).message, 'invalid_request_error', 'strategist_not_loaded', 'spec'); }
    log.info('proxy: strategist swapped', { arm, spec: strategists.spec(arm) });
    sendJson(res, 200, { arm, spec: strategists.spec(arm), strategists: strategists.specs() });
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const only = (method: string) => {
      if (req.method !== method) throw new ProxyError(405, `${path} only accepts ${method}`, 'invalid_request_error', 'method_not_allowed');
    };
    if (path === '/health') { only('GET'); sendJson(res, 200, { status: 'ok', sessions: sessions.size(), strategists: strategists.specs() }); return; }
    if (o.token !== undefined && !authorized(req, o.token)) throw new ProxyError(401, 'missing or wrong bearer token (send "Authorization: Bearer <token>")', 'invalid_request_error', 'invalid_api_key');
    if (path === '/v1/chat/completions') { only('POST'); await handleChat(ctx, req, res); return; }
    if (path === '/v1/models') { only('GET'); await handleModels(ctx, res); return; }
    if (path === '/v1/epo/strategist') { if (req.method !== 'GET') only('POST'); await strategist(req, res); return; }
    const m = OUTCOME.exec(path);
    if (m) { only('POST'); await outcome(req, res, decodeURIComponent(m[1])); return; }
    throw new ProxyError(404, `no route ${req.method} ${path} (the proxy has POST /v1/chat/completions, GET /v1/models, GET /health, POST /v1/epo/sessions/{id}/outcome, GET|POST /v1/epo/strategist)`, 'invalid_request_error', 'not_found');
  }

  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    const p = route(req, res, path).catch((e: unknown) => {
      const err = e instanceof ProxyError ? e : new ProxyError(500, `the proxy failed (request ${randomUUID().slice(0, 8)}); its log has the details`, 'server_error');
      if (!(e instanceof ProxyError) || err.status >= 500) log.warn('proxy: request failed', { path, status: err.status, error: redact(describeError(e), secrets) });
      if (!res.headersSent && !res.destroyed) sendError(res, err, secrets);
      else res.end();
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(listenError(e, host, o.port ?? 0, names)));
      server.listen(o.port ?? 0, host, () => { server.removeAllListeners('error'); resolve(); });
    });
  } catch (e) {
    await strategists.close();
    throw e;
  }
  server.on('error', (e) => log.error('proxy: server error', { error: describeError(e) }));

  const idleMs = o.idleTimeoutMs ?? 0;
  const sweep = idleMs > 0 ? setInterval(() => sessions.closeIdle(idleMs), Math.min(1000, Math.max(10, idleMs / 4))) : undefined;
  sweep?.unref();

  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  let closing: Promise<void> | undefined;
  return {
    url, baseURL: `${url}/v1`, port: addr.port,
    swap: (spec, arm = 'A') => strategists.swap(arm, spec),
    strategists: () => strategists.specs(),
    openSessions: () => sessions.size(),
    close: () => (closing ??= (async () => {
      if (sweep) clearInterval(sweep);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // requests in flight finish (their turns join their sessions), but a hanging upstream cannot hold the stop
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise<void>((z) => { timer = setTimeout(z, o.drainMs ?? 10_000); })]);
      clearTimeout(timer);
      server.closeAllConnections();
      await stopped;
      sessions.closeAll();
      await strategists.close();
    })()),
  };
}
