/**
 * `epo serve env`: one environment behind AgentGym's HTTP protocol and epo's native `/v1/envs` routes, on node:http.
 * Binds 127.0.0.1 unless told otherwise; an optional bearer token guards every route but `GET /`. Instances are
 * bounded (429 past the limit) and evicted when idle; bodies are bounded (413). Errors take the shape of the
 * protocol the route speaks; an unexpected failure answers 500 with a generic message and goes to the log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { checkHost, listenError, OPTION_NAMES, type ListenNames } from '../listen.js';
import { intField } from './fields.js';
import { authorized, errorBody, parseJsonObject, readBody, RouteError, sendJson, type ErrorShape } from './http.js';
import { createInstance, nativeRoute } from './native.js';
import { InstancePool, missingMessage } from './pool.js';
import type { ServedEnv } from './served.js';

/** The routes the server answers for every environment (their methods, for 405s). */
const OWN_ROUTES: Record<string, { method: string }> = { '/': { method: 'GET' }, '/create': { method: 'POST' }, '/close': { method: 'POST' }, '/list_envs': { method: 'GET' } };

export interface EnvServerOptions<S> {
  served: ServedEnv<S>;
  host?: string;
  port?: number;
  token?: string;
  /** Live instances at most (default 1024). */
  maxInstances?: number;
  /** Seconds an instance may sit unused before eviction (default 600; 0 never evicts). */
  idleTimeoutS?: number;
  /** Largest request body (default 1 MiB). */
  maxBodyBytes?: number;
  logger?: Logger;
  names?: ListenNames;
  /** The clock instances are aged by (tests pass their own). */
  now?: () => number;
}

export interface RunningEnvServer {
  url: string;
  port: number;
  instances(): number;
  close(): Promise<void>;
}

export async function startEnvServer<S>(o: EnvServerOptions<S>): Promise<RunningEnvServer> {
  const names = o.names ?? OPTION_NAMES;
  const bindHost = checkHost(o.host ?? '127.0.0.1', names.host);
  const bindPort = o.port ?? 0;
  const served = o.served;
  const log = o.logger ?? silentLogger;
  const maxBody = o.maxBodyBytes ?? 1024 * 1024;
  const idleS = o.idleTimeoutS ?? 600;
  const pool = new InstancePool<S>({ maxInstances: o.maxInstances ?? 1024, idleMs: idleS > 0 ? idleS * 1000 : Infinity, now: o.now });

  const agentGym = async (req: IncomingMessage, path: string, query: URLSearchParams): Promise<unknown> => {
    const method = req.method ?? 'GET';
    if (path === '/' && method === 'GET') return served.greeting;
    if (path === '/create' && method === 'POST') { await readBody(req, maxBody); return served.createReply(createInstance(served, pool)); }
    if (path === '/close' && method === 'POST') {
      const id = intField(parseJsonObject(await readBody(req, maxBody))[served.idField], served.idField);
      const got = pool.get(id);
      if (!got.ok) throw new RouteError(served.errorShape === 'error' ? 200 : 404, missingMessage(id, got.why), 'unknown_id');
      pool.close(id);
      return { [served.idField]: id, closed: true };
    }
    if (path === '/list_envs' && method === 'GET') return pool.ids();
    const route = served.routes[path] ?? OWN_ROUTES[path];
    if (!route) throw new RouteError(404, 'Not Found', 'not_found');
    if (route.method !== method) throw new RouteError(405, 'Method Not Allowed', 'method_not_allowed');
    const body = method === 'POST' ? parseJsonObject(await readBody(req, maxBody)) : {};
    return route.handle({ pool, body, query });
  };

  const native = async (req: IncomingMessage, path: string) => {
    const text = req.method === 'GET' ? '' : await readBody(req, maxBody);
    const r = nativeRoute(served, pool, req.method ?? 'GET', path, () => parseJsonObject(text));
    if (!r) throw new RouteError(404, `no route ${req.method} ${path} (native routes: POST /v1/envs, POST /v1/envs/{id}/reset, POST /v1/envs/{id}/step, DELETE /v1/envs/{id}, POST /v1/envs/step)`, 'not_found');
    return r.body;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = (q < 0 ? url : url.slice(0, q)).replace(/\/+$/, '') || '/';
    const isNative = path === '/v1/envs' || path.startsWith('/v1/envs/');
    const shape: ErrorShape = isNative ? 'native' : served.errorShape;
    const handle = async () => {
      if (o.token !== undefined && path !== '/' && !authorized(req, o.token)) throw new RouteError(401, 'missing or wrong bearer token (send "Authorization: Bearer <token>")', 'unauthorized');
      return isNative ? native(req, path) : agentGym(req, path, new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
    };
    handle().then((body) => sendJson(res, 200, body), (e: unknown) => {
      let err: RouteError;
      if (e instanceof RouteError) err = e;
      else {
        log.warn('serve env: request failed', { path, error: describeError(e) });
        err = new RouteError(500, 'the environment failed on this request; the server log has the details', 'internal');
      }
      if (!res.headersSent && !res.destroyed) sendJson(res, err.status, errorBody(err, shape), err.status === 413 ? { connection: 'close' } : {});
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(listenError(e, bindHost, bindPort, names)));
    server.listen(bindPort, bindHost, () => { server.removeAllListeners('error'); resolve(); });
  });
  server.on('error', (e) => log.error('serve env: server error', { error: describeError(e) }));
  // The sweep frees idle instances' memory even when no request arrives; unref'd so it never keeps the process up.
  const sweep = Number.isFinite(pool.opts.idleMs) ? setInterval(() => pool.sweep(), Math.min(60_000, Math.max(1000, pool.opts.idleMs / 2))) : undefined;
  sweep?.unref();
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    instances: () => pool.size,
    close: () => new Promise<void>((resolve) => { if (sweep) clearInterval(sweep); server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

