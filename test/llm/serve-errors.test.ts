/**
 * `epo serve` failure paths: a model that cannot load stops the server before it listens; error bodies never carry
 * internal paths or upstream URLs (a generic message and a request id; the details go to the server's log); bad
 * --host/--port values and listen failures are named by their flag.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EpoError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { createModel } from '../../src/llm/create.js';
import type { ChatModel } from '../../src/llm/model.js';
import { checkHost, checkPort, listenError } from '../../src/serve/listen.js';
import { startServer, type RunningServer } from '../../src/serve/openai-server.js';
import { failure } from './helpers.js';

let s: RunningServer | undefined;
afterEach(async () => { await s?.close(); s = undefined; });

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A logger that keeps its lines. */
function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = {
    debug: () => undefined, info: () => undefined,
    warn: (m, f) => lines.push(`${m} ${JSON.stringify(f ?? {})}`),
    error: (m, f) => lines.push(`${m} ${JSON.stringify(f ?? {})}`),
    child: () => logger,
  };
  return { logger, lines };
}

const failing = (e: Error): ChatModel => ({ spec: 'scripted:boom', complete: async () => { throw e; } });

describe('epo serve: a model that cannot load', () => {
  it('fails startServer before it listens, naming the spec', async () => {
    const err = await failure(startServer({ model: createModel('local:/nonexistent/epo-ckpt'), port: 0, names: { model: '--model' } }));
    expect(err).toBeInstanceOf(EpoError);
    expect(err.message).toContain('cannot load the model local:/nonexistent/epo-ckpt');
    expect(err.where).toBe('--model');
  });
});

describe('epo serve: error bodies', () => {
  it('answers 500 with a generic message and a request id; the path and URL go only to the log', async () => {
    const { logger, lines } = recordingLogger();
    const inner = new EpoError('MODEL_HTTP', 'upstream said no', { where: 'http://10.1.2.3:9000/v1/chat/completions', cause: new Error('/srv/secret/ckpt/model.safetensors unreadable') });
    s = await startServer({ model: failing(inner), logger });
    const r = await post(s.url, { model: 'boom', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(500);
    const id = r.headers.get('x-request-id');
    expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    const body = await r.text();
    expect(body).not.toContain('10.1.2.3');
    expect(body).not.toContain('upstream said no');
    expect(JSON.parse(body)).toEqual({ error: { message: `the server failed to answer (request id ${id}); its log has the details`, type: 'server_error', param: null, code: null } });
    expect(lines.join('\n')).toContain(id!);
    expect(lines.join('\n')).toContain('http://10.1.2.3:9000/v1/chat/completions');
  });

  it('keeps the meaning of overload and timeouts for the client, without the details', async () => {
    s = await startServer({ model: failing(new EpoError('RATE_LIMITED', 'HTTP 429 from upstream', { where: 'https://api.example.com/v1' })) });
    const r = await post(s.url, { model: 'boom', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(429);
    const j = await r.json() as { error: { message: string; type: string } };
    expect(j.error.type).toBe('rate_limit_error');
    expect(j.error.message).toMatch(/^the model is overloaded; retry later \(request id req_[0-9a-f]{32}\)$/);
    await s.close();
    s = await startServer({ model: failing(new EpoError('MODEL_TIMEOUT', 'no answer in 30 s', { where: 'https://api.example.com/v1' })) });
    const t = await post(s.url, { model: 'boom', messages: [{ role: 'user', content: 'hi' }] });
    expect(t.status).toBe(504);
    expect(await t.text()).not.toContain('api.example.com');
  });

  it('sends a generic error event when a stream fails midway', async () => {
    const model: ChatModel = {
      spec: 'scripted:boom',
      complete: async () => { throw new Error('unused'); },
      stream: async function* () { yield 'partial '; throw new Error('worker crashed at /srv/secret/ckpt'); },
    };
    s = await startServer({ model });
    const raw = await (await post(s.url, { model: 'boom', messages: [{ role: 'user', content: 'hi' }], stream: true })).text();
    expect(raw).not.toContain('/srv/secret');
    expect(raw).toMatch(/"message":"the server failed to answer \(request id req_[0-9a-f]{32}\); its log has the details"/);
  });
});

describe('epo serve: --host and --port', () => {
  it.each(['127.0.0.1', '0.0.0.0', '::1', '[::1]', '::', 'localhost', 'my-host.example.org'])('accepts host %s', (h) => {
    expect(checkHost(h)).toBe(h.replace(/^\[(.*)\]$/, '$1'));
  });
  it.each(['999.1.1.1', '1.2.3', '256.0.0.1', '', 'bad_host!', '-lead.example', 'a..b', '[127.0.0.1]', 'http://127.0.0.1'])('refuses host %j', (h) => {
    let err: unknown;
    try { checkHost(h); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(EpoError);
    expect((err as EpoError).where).toBe('--host');
  });
  it('accepts ports 0..65535 and refuses the rest', () => {
    expect(checkPort('8000')).toBe(8000);
    expect(checkPort('0')).toBe(0);
    expect(checkPort('65535')).toBe(65535);
    for (const p of ['65536', '-1', '1.5', '1e3', 'abc', '', ' 80']) expect(() => checkPort(p), p).toThrow(/port must be a whole number from 0 to 65535/);
  });
  it.each([
    ['EADDRINUSE', '--port', /port 8000 on 127\.0\.0\.1 is already in use/],
    ['EADDRNOTAVAIL', '--host', /127\.0\.0\.1 is not an address of this machine/],
    ['EACCES', '--port', /not allowed to listen on port 8000/],
    ['ENOTFOUND', '--host', /cannot resolve the host 127\.0\.0\.1/],
  ])('names the flag of a listen failure %s', (code, flag, why) => {
    const e = listenError(Object.assign(new Error(`listen ${code}`), { code }), '127.0.0.1', 8000, { host: '--host', port: '--port' });
    expect(e).toBeInstanceOf(EpoError);
    expect(e.code).toBe('BAD_INPUT');
    expect(e.where).toBe(flag);
    expect(e.message).toMatch(why);
  });
  it('reports a port in use as a clear error from startServer', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await failure(startServer({ model: createModel('scripted:echo'), port, names: { port: '--port' } }));
      expect(err).toBeInstanceOf(EpoError);
      expect(err.message).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(err.where).toBe('--port');
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
