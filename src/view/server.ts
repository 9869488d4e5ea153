/**
 * `epo view`'s HTTP server over node:http: 127.0.0.1 unless told otherwise, read-only, pages with a strict content
 * policy (no remote resources; the one script is served by the viewer itself).
 */
import { createServer, type Server } from 'node:http';
import { listenError, OPTION_NAMES, type ListenNames } from '../serve/listen.js';
import { handle } from './app.js';
import { RunConnections } from './run-db.js';

export interface ViewServer { url: string; port: number; close(): Promise<void> }

const POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export async function startView(o: { root: string; host?: string; port?: number; names?: ListenNames }): Promise<ViewServer> {
  const host = o.host ?? '127.0.0.1';
  const conns = new RunConnections();
  const app = { root: o.root, conns };
  const server: Server = createServer((req, res) => {
    const r = handle(app, req.method ?? 'GET', req.url ?? '/');
    res.writeHead(r.status, { 'content-type': r.type, 'content-security-policy': POLICY, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : r.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(listenError(e, host, o.port ?? 0, o.names ?? OPTION_NAMES)));
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port ?? 0;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { conns.closeAll(); resolve(); }); }),
  };
}
