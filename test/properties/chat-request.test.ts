/**
 * Properties of the chat request parser of `epo serve` (src/serve/chat-request.ts): any JSON body is accepted or
 * refused with the field at fault, never a crash; a request built from parts becomes the completion request those
 * parts describe; the fields the server cannot honour (n > 1, tools) are always refused by name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCompletionRequest, validateChatRequest } from '../../src/serve/chat-request.js';
import { anyJson, RUNS } from './arbitraries.js';

const FIELDS = ['model', 'messages', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'seed', 'n', 'stream', 'stream_options', 'response_format', 'tools', 'user'];
const valid = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

const role = fc.constantFrom('system', 'developer', 'user', 'assistant') as fc.Arbitrary<'system' | 'developer' | 'user' | 'assistant'>;
const content = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.array(fc.string({ maxLength: 6 }).map((text) => ({ type: 'text' as const, text })), { minLength: 1, maxLength: 3 }),
);
const message = fc.record({ role, content });
const schema = fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
const responseFormat = fc.oneof(
  fc.constant({ type: 'text' as const }), fc.constant({ type: 'json_object' as const }),
  fc.record({ type: fc.constant('json_schema' as const), json_schema: fc.record({ name: fc.string({ minLength: 1, maxLength: 6 }), schema, strict: fc.boolean() }, { requiredKeys: ['name'] }) }),
);
/** A request as clients send it: every field optional but model and messages, plus fields the server ignores. */
const request = fc.record({
  model: fc.string({ maxLength: 10 }),
  messages: fc.array(message, { minLength: 1, maxLength: 4 }),
  temperature: fc.double({ min: 0, max: 2, noNaN: true }),
  top_p: fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }),
  max_tokens: fc.integer({ min: 1, max: 1e6 }),
  max_completion_tokens: fc.integer({ min: 1, max: 1e6 }),
  stop: fc.oneof(fc.string({ maxLength: 4 }), fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 })),
  seed: fc.integer(),
  n: fc.constant(1),
  stream: fc.boolean(),
  response_format: responseFormat,
  user: fc.string({ maxLength: 6 }),
  logprobs: fc.boolean(),
}, { requiredKeys: ['model', 'messages'] });

describe('chat request parsing', () => {
  it('any JSON body, or a valid body with any field replaced, is accepted or refused naming the field', () => {
    const body = fc.oneof(anyJson, fc.tuple(fc.constantFrom(...FIELDS), anyJson).map(([k, v]) => ({ ...valid, [k]: v })));
    fc.assert(fc.property(body, (b) => {
      const v = validateChatRequest(b);
      if (v.ok) {
        expect(toCompletionRequest(v.body).messages.length).toBe(v.body.messages.length);
        return;
      }
      expect(v.message.startsWith(`${v.param || 'body'}: `) || v.message === 'the request body must be a JSON object').toBe(true);
      // the field at fault is one the body has, or a required one it lacks
      if (v.param) expect([...Object.keys(b as object), 'model', 'messages']).toContain(v.param.split(/[.[]/)[0]);
    }), RUNS);
  });

  it('a request built from parts becomes the completion request those parts describe', () => {
    fc.assert(fc.property(request, (r) => {
      const v = validateChatRequest(JSON.parse(JSON.stringify(r)));
      expect(v.ok).toBe(true);
      if (!v.ok) return;
      const c = toCompletionRequest(v.body);
      expect(c.messages).toEqual(r.messages.map((m) => ({
        role: m.role === 'developer' ? 'system' : m.role,
        content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join(''),
      })));
      expect(c.temperature).toBe(r.temperature);
      expect(c.topP).toBe(r.top_p);
      expect(c.maxTokens).toBe(r.max_completion_tokens ?? r.max_tokens);
      expect(c.stop).toEqual(typeof r.stop === 'string' ? [r.stop] : r.stop);
      expect(c.seed).toBe(r.seed);
      const f = r.response_format;
      if (f?.type === 'json_schema') expect(c.jsonSchema).toEqual({ name: f.json_schema.name, schema: f.json_schema.schema ?? {}, ...(f.json_schema.strict !== undefined ? { strict: f.json_schema.strict } : {}) });
      else if (f?.type === 'json_object') expect(c.jsonSchema).toEqual({ name: 'json_object', schema: { type: 'object' } });
      else expect(c.jsonSchema).toBeUndefined();
    }), RUNS);
  });

  it('optional fields sent as null read as absent', () => {
    const optional = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'seed', 'n', 'stream', 'stream_options', 'response_format', 'tools'];
    fc.assert(fc.property(request, fc.subarray(optional), (r, nulls) => {
      const body = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
      for (const k of nulls) delete body[k];
      const v = validateChatRequest({ ...body, ...Object.fromEntries(nulls.map((k) => [k, null])) });
      const w = validateChatRequest(body);
      expect(v.ok && w.ok).toBe(true);
      if (v.ok && w.ok) expect(toCompletionRequest(v.body)).toEqual(toCompletionRequest(w.body));
    }), RUNS);
  });

  it('one bad field in a valid request is refused naming that field', () => {
    type Body = Record<string, any>;
    const breakers: [string, (b: Body, i: number) => string][] = [
      ['no model', (b) => { delete b.model; return 'model'; }],
      ['no messages', (b) => { b.messages = []; return 'messages'; }],
      ['unknown role', (b, i) => { const k = i % b.messages.length; b.messages[k].role = 'robot'; return `messages[${k}].role`; }],
      ['content not text', (b, i) => { const k = i % b.messages.length; b.messages[k].content = { text: 'x' }; return `messages[${k}].content`; }],
      ['temperature too high', (b) => { b.temperature = 2.5; return 'temperature'; }],
      ['temperature as text', (b) => { b.temperature = '0.5'; return 'temperature'; }],
      ['top_p of zero', (b) => { b.top_p = 0; return 'top_p'; }],
      ['max_tokens of zero', (b) => { b.max_tokens = 0; return 'max_tokens'; }],
      ['max_completion_tokens not whole', (b) => { b.max_completion_tokens = 1.5; return 'max_completion_tokens'; }],
      ['five stop sequences', (b) => { b.stop = ['a', 'b', 'c', 'd', 'e']; return 'stop'; }],
      ['seed not whole', (b) => { b.seed = 0.25; return 'seed'; }],
      ['stream as text', (b) => { b.stream = 'yes'; return 'stream'; }],
      ['unknown response format', (b) => { b.response_format = { type: 'xml' }; return 'response_format'; }],
    ];
    fc.assert(fc.property(request, fc.constantFrom(...breakers), fc.nat(), (r, [, wreck], i) => {
      const body = JSON.parse(JSON.stringify(r)) as Body;
      const field = wreck(body, i);
      const v = validateChatRequest(body);
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.param === field || v.param.startsWith(`${field}.`) || v.param.startsWith(`${field}[`), v.message).toBe(true);
    }), RUNS);
  });

  it('n other than 1 and any tool are refused by name', () => {
    const unsupported = fc.oneof(
      fc.integer({ min: 2, max: 100 }).map((n) => ['n', { n }] as const),
      fc.array(anyJson, { minLength: 1, maxLength: 3 }).map((tools) => ['tools', { tools }] as const),
    );
    fc.assert(fc.property(request, unsupported, (r, [field, extra]) => {
      expect(validateChatRequest({ ...JSON.parse(JSON.stringify(r)), ...extra })).toMatchObject({ ok: false, param: field });
    }), RUNS);
  });
});
