import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../../src/llm/create.js';
import type { ChatModel } from '../../src/llm/model.js';
import { fieldPath } from '../../src/serve/chat-request.js';
import { servedName, startServer, type RunningServer } from '../../src/serve/openai-server.js';
import { harness, type Harness } from './helpers.js';

let h: Harness | undefined;
let s: RunningServer | undefined;
afterEach(async () => { await h?.server.close(); await s?.close(); h = undefined; s = undefined; });

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const valid = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] };

describe('epo serve: OpenAI chat completions over node:http', () => {
  it('answers the official client, lists the model and reports health', async () => {
    h = await harness(['Hello back']);
    const client = new OpenAI({ baseURL: h.server.baseURL, apiKey: 'none', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'developer', content: 'be kind' }, { role: 'user', content: [{ type: 'text', text: 'hi ' }, { type: 'text', text: 'there' }] }], max_completion_tokens: 20, stop: 'X' });
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0].message).toMatchObject({ role: 'assistant', content: 'Hello back' });
    expect(r.choices[0].finish_reason).toBe('stop');
    expect(r.usage).toMatchObject({ completion_tokens: 3, total_tokens: r.usage!.prompt_tokens + 3 });
    expect(h.model.calls[0]).toMatchObject({ messages: [{ role: 'system', content: 'be kind' }, { role: 'user', content: 'hi there' }], maxTokens: 20, stop: ['X'] });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['test-model']);
    expect(await (await fetch(`${h.server.url}/health`)).json()).toEqual({ status: 'ok', model: 'test-model' });
  });
  it('streams chunks that reassemble to the text, ending with [DONE]', async () => {
    s = await startServer({ model: createModel('scripted:echo') });
    expect(servedName('scripted:echo')).toBe('echo');
    const client = new OpenAI({ baseURL: s.baseURL, apiKey: 'none', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'the quick brown fox' }], stream: true, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    let finish: string | null = null, usage = 0;
    for await (const c of stream) {
      if (c.choices[0]?.delta?.content) deltas.push(c.choices[0].delta.content);
      if (c.choices[0]?.finish_reason) finish = c.choices[0].finish_reason;
      if (c.usage) usage = c.usage.completion_tokens;
    }
    expect(deltas).toEqual(['the ', 'quick ', 'brown ', 'fox']);
    expect(finish).toBe('stop');
    expect(usage).toBe(5);
    const raw = await (await post(s.url, { model: 'echo', messages: [{ role: 'user', content: 'a b' }], stream: true })).text();
    const events = raw.trim().split('\n\n');
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(events[0].slice(6))).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { role: 'assistant', content: '' } }] });
    expect(events.slice(1, 3).map((e) => JSON.parse(e.slice(6)).choices[0].delta.content)).toEqual(['a ', 'b']);
  });
  it('answers 400 in OpenAI error shape naming the offending field', async () => {
    h = await harness(['x']);
    const cases: [unknown, string, string][] = [
      [{ ...valid, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }, { role: 'robot', content: 'c' }] }, 'messages[2].role', 'must be one of system, developer, user, assistant'],
      [{ ...valid, messages: [{ role: 'user', content: 42 }] }, 'messages[0].content', 'must be a string'],
      [{ ...valid, temperature: 3 }, 'temperature', 'temperature:'],
      [{ ...valid, max_tokens: 0 }, 'max_tokens', 'max_tokens:'],
      [{ ...valid, n: 2 }, 'n', 'only n = 1 is supported'],
      [{ messages: valid.messages }, 'model', 'model: is required'],
      [{ ...valid, messages: [] }, 'messages', 'at least one message'],
      [{ ...valid, response_format: { type: 'json_schema', json_schema: {} } }, 'response_format.json_schema.name', 'response_format.json_schema.name:'],
    ];
    for (const [body, param, text] of cases) {
      const r = await post(h.server.url, body);
      expect(r.status).toBe(400);
      const j = await r.json() as { error: { message: string; type: string; param: string } };
      expect(j.error.param).toBe(param);
      expect(j.error.type).toBe('invalid_request_error');
      expect(j.error.message).toContain(text);
    }
    const bad = await post(h.server.url, '{"model": ');
    expect(bad.status).toBe(400);
    expect((await bad.json() as { error: { message: string } }).error.message).toContain('not valid JSON');
    expect(h.model.calls).toHaveLength(0);
    expect(fieldPath(['a', 0, 'b'])).toBe('a[0].b');
  });
  it('answers 413 over the size bound, 404 and 405 elsewhere, 404 for another model name', async () => {
    h = await harness(['x'], { maxBodyBytes: 1000 });
    const big = await post(h.server.url, { ...valid, messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    expect(big.status).toBe(413);
    expect((await big.json() as { error: { message: string } }).error.message).toContain('over the limit of 1000 bytes');
    expect((await fetch(`${h.server.url}/v1/nothing`)).status).toBe(404);
    const wrongMethod = await fetch(`${h.server.url}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const other = await post(h.server.url, { ...valid, model: 'gpt-4o' });
    expect(other.status).toBe(404);
    expect((await other.json() as { error: { code: string } }).error.code).toBe('model_not_found');
  });
  it('requires the bearer token when one is set (health stays open)', async () => {
    h = await harness(['x'], { token: 'tok-0123456789' });
    expect((await post(h.server.url, valid)).status).toBe(401);
    expect((await post(h.server.url, valid, { authorization: 'Bearer tok-wrong' })).status).toBe(401);
    expect((await post(h.server.url, valid, { authorization: 'Bearer tok-0123456789' })).status).toBe(200);
    expect((await fetch(`${h.server.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${h.server.url}/health`)).status).toBe(200);
  });
  it('binds 127.0.0.1 by default and turns backend failures into 5xx', async () => {
    s = await startServer({ model: { spec: 'scripted:boom', complete: async () => { throw new Error('backend exploded'); } } });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await post(s.url, { ...valid, model: 'boom' });
    expect(r.status).toBe(500);
    const error = (await r.json() as { error: { message: string; type: string } }).error;
    expect(error).toMatchObject({ type: 'server_error', message: `the server failed to answer (request id ${r.headers.get('x-request-id')}); its log has the details` });
  });
  it('aborts the model call when the client goes away', async () => {
    let started!: () => void, abortedWith!: (why: string) => void;
    const running = new Promise<void>((r) => { started = r; });
    const aborted = new Promise<string>((r) => { abortedWith = r; });
    const model: ChatModel = {
      spec: 'scripted:slow',
      complete: (req) => new Promise<never>(() => {
        req.signal?.addEventListener('abort', () => abortedWith((req.signal!.reason as Error).message));
        started();
      }),
    };
    s = await startServer({ model });
    const ac = new AbortController();
    const call = fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ ...valid, model: 'slow' }), signal: ac.signal }).catch((e: Error) => e.name);
    await running;
    ac.abort();
    expect(await call).toBe('AbortError');
    expect(await aborted).toBe('client disconnected');
  });
});
