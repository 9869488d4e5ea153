import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../../src/llm/create.js';
import { createNodeFetch } from '../../src/llm/node-fetch.js';
import { failure, harness, type Harness } from './helpers.js';

let server: Server | undefined;
let h: Harness | undefined;
const fetchFn = createNodeFetch();
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  await h?.server.close();
  h = undefined;
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer(handle);
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

describe('createNodeFetch', () => {
  it('sends method, headers and body, and answers status, headers and body', async () => {
    const s = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-echo': String(req.headers['x-test']) });
        res.end(JSON.stringify({ method: req.method, body, length: req.headers['content-length'] }));
      });
    });
    const r = await fetchFn(`${s.url}/v1/x`, { method: 'POST', headers: new Headers({ 'X-Test': 'yes' }), body: 'héllo' });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-echo')).toBe('yes');
    expect(await r.json()).toEqual({ method: 'POST', body: 'héllo', length: '6' });
  });

  it('keeps the connection alive across requests', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    for (let i = 0; i < 3; i++) expect(await (await fetchFn(s.url)).text()).toBe('ok');
    expect(s.connections()).toBe(1);
  });

  it('streams server-sent events as they arrive', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      void released.then(() => res.end('data: two\n\n'));
    });
    const r = await fetchFn(s.url);
    const reader = r.body!.getReader();
    // The second event is only sent once the first was read: a buffering fetch would never get here.
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: one\n\n');
    release();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: two\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('rejects with an AbortError when the signal fires before or during the answer', async () => {
    const s = await serve(() => { /* never answers */ });
    const c = new AbortController();
    const p = fetchFn(s.url, { signal: c.signal });
    c.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await expect(fetchFn(s.url, { signal: c.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('errors a stream whose signal fires mid-way', async () => {
    const s = await serve((_req, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.write('data: one\n\n'); });
    const c = new AbortController();
    const reader = (await fetchFn(s.url, { signal: c.signal })).body!.getReader();
    await reader.read();
    c.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects when the connection drops in the middle of a body', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const e = await fetchFn(s.url).then(() => undefined, (err: Error) => err);
    expect(e).toBeInstanceOf(Error);
    expect(e?.name).not.toBe('AbortError');
  });
});

describe('the OpenAI backend over createNodeFetch', () => {
  it('reports a cancelled call as INTERRUPTED and a refused connection as a retryable MODEL_HTTP', async () => {
    h = await harness(['ok'], { faults: () => ({ kind: 'delay', ms: 3000 }) });
    const c = new AbortController();
    const p = createModel(h.spec(), { retry: false }).complete({ messages: [{ role: 'user', content: 'hi' }], signal: c.signal });
    setTimeout(() => c.abort(), 20);
    expect((await failure(p)).code).toBe('INTERRUPTED');
    const url = h.server.baseURL;
    await h.server.close();
    h = undefined;
    const e = await failure(createModel(`${url}#test-model`, { retry: false }).complete({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(e.code).toBe('MODEL_HTTP');
    expect(e.details).toMatchObject({ connection: true });
  });
});
