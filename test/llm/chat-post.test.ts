/**
 * The OpenAI-compatible backend's plain (non-streamed) call, as a server sees it and as the caller sees its failures:
 * the request on the wire, every kind of bad answer mapped to the same EpoError, and nothing left on the caller's
 * signal once a call is over (an episode's signal serves every call of the episode).
 */
import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../../src/llm/create.js';
import { failure } from './helpers.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

interface Seen { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }

async function serve(answer: (res: ServerResponse) => void): Promise<{ spec: (opts?: string) => string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => { seen.push({ method: req.method, url: req.url, headers: req.headers, body }); answer(res); });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1#m`;
  return { spec: (opts) => (opts ? `${base}?${opts}` : base), seen };
}

const completion = (content: string) => JSON.stringify({
  id: 'x', object: 'chat.completion', created: 0, model: 'served-model',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 5 },
});
const json = (status: number, body: string) => (res: ServerResponse) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(body); };
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('plain chat call on the wire', () => {
  it('posts the JSON request to <base>/chat/completions with the bearer key, JSON headers and extra headers', async () => {
    const s = await serve(json(200, completion('go north')));
    const m = createModel(s.spec('key_env=K&header.X-Team=epo'), { env: { K: 'sk-test-123456' }, retry: false });
    const r = await m.complete({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'where?' }], temperature: 0, stop: ['\n'], seed: 3 });
    expect(r).toEqual({ text: 'go north', usage: { promptTokens: 3, completionTokens: 5 }, finishReason: 'stop', model: 'served-model' });
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(JSON.parse(s.seen[0].body)).toEqual({ model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'where?' }], temperature: 0, stop: ['\n'], seed: 3, stream: false });
    expect(s.seen[0].headers).toMatchObject({
      host: new URL(s.spec()).host, connection: 'keep-alive',
      authorization: 'Bearer sk-test-123456', 'content-type': 'application/json', accept: 'application/json', 'x-team': 'epo',
    });
    expect(s.seen[0].headers['content-length']).toBe(String(Buffer.byteLength(s.seen[0].body)));
  });

  it('leaves no listener on the caller\'s signal once the call is over', async () => {
    const s = await serve(json(200, completion('ok')));
    const m = createModel(s.spec(), { retry: false });
    const c = new AbortController();
    for (let i = 0; i < 3; i++) await m.complete({ ...ask, signal: c.signal });
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
  });
});

describe('plain chat call: bad answers', () => {
  const fail = async (answer: (res: ServerResponse) => void) => {
    const s = await serve(answer);
    return failure(createModel(s.spec(), { retry: false }).complete(ask));
  };

  it('names the server\'s error message and status', async () => {
    const e = await fail(json(400, JSON.stringify({ error: { message: 'temperature: must be ≤ 2', type: 'invalid_request_error' } })));
    expect(e.code).toBe('MODEL_HTTP');
    expect(e.message).toMatch(/^HTTP 400: temperature: must be ≤ 2 \(at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions \(model m\)\)/);
    expect(e.details).toMatchObject({ status: 400, model: 'm' });
  });

  it('shows a plain-text error body, or says there was none', async () => {
    expect((await fail((res) => { res.writeHead(502, { 'content-type': 'text/plain' }); res.end('bad gateway'); })).message).toMatch(/^HTTP 502: bad gateway \(/);
    expect((await fail((res) => { res.writeHead(503); res.end(); })).message).toMatch(/^HTTP 503: status code \(no body\) \(/);
  });

  it('keeps Retry-After of a 429 as RATE_LIMITED', async () => {
    const e = await fail((res) => { res.writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' }); res.end('{"error":{"message":"slow down"}}'); });
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.details).toMatchObject({ status: 429, retryAfterMs: 3000 });
    expect(e.message).toMatch(/^HTTP 429: slow down/);
  });

  it('reports a 200 without choices, a non-JSON 200 and an empty 200 as MODEL_OUTPUT', async () => {
    expect((await fail(json(200, '{"choices": []}'))).code).toBe('MODEL_OUTPUT');
    const text = await fail((res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('hello'); });
    expect(text.code).toBe('MODEL_OUTPUT');
    expect(text.message).toContain('the server answered without any choice');
    const empty = await fail((res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' }); res.end(); });
    expect(empty.code).toBe('MODEL_OUTPUT');
    expect(empty.message).toContain('the server answered without any choice');
  });

  it('reports a malformed JSON answer as a failed request', async () => {
    const e = await fail(json(200, '{"choices": ['));
    expect(e.code).toBe('MODEL_HTTP');
    expect(e.message).toMatch(/^request failed: .*JSON/);
  });
});
