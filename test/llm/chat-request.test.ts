/**
 * The chat request parser of `epo serve`: whatever arrives, the answer is an OpenAI-shaped 400 (or 413 over the size
 * bound) naming the field, and the server keeps serving.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { validateChatRequest } from '../../src/serve/chat-request.js';
import { harness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.server.close(); h = undefined; });

const valid = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] };

describe('validateChatRequest', () => {
  it.each([
    [null, '', 'the request body must be a JSON object'],
    [[], '', 'the request body must be a JSON object'],
    ['text', '', 'the request body must be a JSON object'],
    [42, '', 'the request body must be a JSON object'],
    [{ ...valid, messages: { role: 'user', content: 'hi' } }, 'messages', 'messages: is required (a list of messages)'],
    [{ ...valid, messages: [{ role: 'user', content: null }] }, 'messages[0].content', 'messages[0].content: must be a string or a list'],
    [{ ...valid, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }, 'messages[0].content', 'messages[0].content:'],
    [{ ...valid, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role', 'must be one of system, developer, user, assistant'],
    [{ ...valid, model: 7 }, 'model', 'model: is required (a string)'],
    [{ ...valid, temperature: '1' }, 'temperature', 'temperature:'],
    [{ ...valid, stream: 'yes' }, 'stream', 'stream:'],
    [{ ...valid, seed: 1e300 }, 'seed', 'seed:'],
    [{ ...valid, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', 'stop:'],
    [{ ...valid, tools: [{ type: 'function' }] }, 'tools', 'tools are not supported by this server'],
    [{ ...valid, response_format: { type: 'xml' } }, 'response_format.type', 'response_format.type:'],
  ])('refuses %j at %s', (body, param, message) => {
    const v = validateChatRequest(body);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.param).toBe(param);
    expect(v.message).toContain(message);
  });

  it('accepts a body without a prototype trick taking effect', () => {
    const v = validateChatRequest(JSON.parse('{"__proto__": {"model": "test-model"}, "messages": [{"role": "user", "content": "hi"}]}'));
    expect(v).toMatchObject({ ok: false, param: 'model' });
  });
});

describe('epo serve: odd request bodies', () => {
  const post = (body: string | Buffer) => fetch(`${h!.server.url}/v1/chat/completions`, { method: 'POST', body });

  it.each([
    ['an empty body', '', 'not valid JSON'],
    ['a JSON array', '[]', 'must be a JSON object'],
    ['JSON null', 'null', 'must be a JSON object'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'not valid JSON'],
    ['deeply nested arrays', '['.repeat(20000) + ']'.repeat(20000), 'must be a JSON object'],
    ['a truncated object', '{"model": "test-model", "messages": [', 'not valid JSON'],
  ])('answers 400 in OpenAI error shape to %s', async (_what, body, message) => {
    h = await harness(['x']);
    const r = await post(body);
    expect(r.status).toBe(400);
    const j = await r.json() as { error: { message: string; type: string; param: string | null; code: string | null } };
    expect(j.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(j.error.message).toContain(message);
    expect(h.model.calls).toHaveLength(0);
    expect((await fetch(`${h.server.url}/health`)).status).toBe(200);
  });

  it('answers 413 to a chunked body over the bound (no content-length to check first) and keeps serving', async () => {
    h = await harness(['x'], { maxBodyBytes: 1000 });
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = request(`${h!.server.url}/v1/chat/completions`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(500));
      req.end();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toContain('over the limit of 1000 bytes');
    const ok = await fetch(`${h.server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(valid) });
    expect(ok.status).toBe(200);
  });
});
