import { afterEach, describe, expect, it } from 'vitest';
import { EpoError } from '../../src/core/errors.js';
import { createBackend, createModel, registerBackend } from '../../src/llm/create.js';
import { echoModel } from '../../src/llm/named-scripts.js';
import { harness, type Harness, failure } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.server.close(); h = undefined; });

const fails = (f: () => unknown): EpoError => {
  try { f(); } catch (e) { return e as EpoError; }
  throw new Error('expected an error');
};

describe('spec → backend', () => {
  it('builds an OpenAI backend with the key from the named variable', () => {
    const m = createBackend('openai:gpt-4o-mini', { OPENAI_API_KEY: 'sk-abcdefgh' });
    expect(m.spec).toBe('openai:gpt-4o-mini');
    expect(typeof m.stream).toBe('function');
  });
  it('names the missing key variable, unknown options and bad numbers', () => {
    const e = fails(() => createBackend('openai:gpt-4o-mini', {}));
    expect(e.code).toBe('BAD_CONFIG');
    expect(e.message).toContain('OPENAI_API_KEY');
    expect(fails(() => createBackend('http://127.0.0.1:1/v1#m?key_env=NOPE_KEY', {})).message).toContain('NOPE_KEY');
    const u = fails(() => createBackend('http://127.0.0.1:1/v1#m?timout=3', {}));
    expect(u.code).toBe('BAD_SPEC');
    expect(u.message).toContain('unknown option "timout"');
    expect(fails(() => createBackend('http://127.0.0.1:1/v1#m?timeout=-1', {})).message).toContain('timeout must be a positive number');
    expect(fails(() => createModel('http://127.0.0.1:1/v1#m?retries=two', { env: {} })).message).toContain('retries must be a whole number');
  });
  it('builds local: specs with the registered backend, which a program may replace', async () => {
    registerBackend('local', (s, spec) => ({ ...echoModel(spec), spec: `${spec}|${s.path}` }));
    const m = createModel('local:./ckpt');
    expect(m.spec).toBe('local:./ckpt|./ckpt');
    expect((await m.complete({ messages: [{ role: 'user', content: 'hi there' }] })).text).toBe('hi there');
  });
  it('serves scripted:echo and refuses unknown scripted names', async () => {
    const m = createModel('scripted:echo');
    const r = await m.complete({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'go north. then south' }], stop: ['.'] });
    expect(r.text).toBe('go north');
    expect(fails(() => createModel('scripted:nope')).message).toContain('no scripted model named "nope" (known: echo');
  });
});

describe('OpenAI backend against a real server', () => {
  it('maps every sampling field, the JSON schema and extra headers onto the wire', async () => {
    h = await harness(['{"a": 1}']);
    const m = createModel(h.spec('header.X-Team=epo&header_env.X-Secret=EPO_HDR_VAR'), { env: { EPO_HDR_VAR: 'hdr-value' } });
    const r = await m.complete({
      messages: [{ role: 'user', content: 'hello' }], temperature: 0.3, topP: 0.9, maxTokens: 50, stop: ['\n'], seed: 7,
      jsonSchema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'number' } } }, strict: true },
    });
    expect(r.text).toBe('{"a": 1}');
    expect(r.model).toBe('test-model');
    expect(r.finishReason).toBe('stop');
    expect(r.usage.completionTokens).toBe(2);
    const got = h.model.calls[0];
    expect(got).toMatchObject({ temperature: 0.3, topP: 0.9, maxTokens: 50, stop: ['\n'], seed: 7 });
    expect(got.jsonSchema).toEqual({ name: 'answer', schema: { type: 'object', properties: { a: { type: 'number' } } }, strict: true });
    expect(h.headers[0]['x-team']).toBe('epo');
    expect(h.headers[0]['x-secret']).toBe('hdr-value');
    // http specs without key_env still send a (placeholder) bearer key.
    expect(h.headers[0].authorization).toBe('Bearer none');
  });
  it('sends the schema as json_object or not at all when json_mode says so', async () => {
    h = await harness(['{}']);
    const req = { messages: [{ role: 'user' as const, content: 'x' }], jsonSchema: { name: 'n', schema: { type: 'object' } } };
    await createModel(h.spec('json_mode=object')).complete(req);
    await createModel(h.spec('json_mode=off')).complete(req);
    expect(h.model.calls[0].jsonSchema).toEqual({ name: 'json_object', schema: { type: 'object' } });
    expect(h.model.calls[1].jsonSchema).toBeUndefined();
    expect(fails(() => createBackend(h!.spec('json_mode=strict'))).message).toContain('json_mode must be schema, object or off');
  });
  it('streams text deltas', async () => {
    h = await harness(['alpha beta gamma']);
    const m = createModel(h.spec());
    let out = '';
    for await (const p of m.stream!({ messages: [{ role: 'user', content: 'x' }] })) out += p;
    expect(out).toBe('alpha beta gamma');
  });
  it('maps a 404 to MODEL_HTTP naming the URL and model', async () => {
    h = await harness(['x']);
    const m = createModel(`${h.server.baseURL}#other-model`, { retry: false });
    const e = await failure(m.complete({ messages: [{ role: 'user', content: 'x' }] }));
    expect(e.code).toBe('MODEL_HTTP');
    expect(e.details?.status).toBe(404);
    expect(e.message).toContain(`${h.server.baseURL}/chat/completions`);
    expect(e.message).toContain('other-model');
  });
});
