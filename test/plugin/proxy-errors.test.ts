import { afterEach, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../src/plugin/conversation.js';
import { json, post, rig, type Rig } from './proxy-helpers.js';

let r: Rig | undefined;
afterEach(async () => { await r?.stop(); r = undefined; });

const messages: AgentMessage[] = [{ role: 'user', content: 'Find me a flight.' }];
const chat = (rr: Rig, body: unknown, headers: Record<string, string> = {}) => post(`${rr.proxy.baseURL}/chat/completions`, body, headers);
const healthy = async (rr: Rig) => (await chat(rr, { messages })).status;

describe('epo proxy: bad input and failures', () => {
  it('answers malformed bodies with an OpenAI-style 400 and forwards nothing', async () => {
    r = await rig();
    const bad = await chat(r, '{"messages": [');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('not valid JSON') });
    const none = await chat(r, { model: 'fake-model' });
    expect(none.status).toBe(400);
    expect((await json(none)).error).toMatchObject({ param: 'messages' });
    expect((await chat(r, { messages: [{ content: 'no role' }] })).status).toBe(400);
    expect((await chat(r, { messages }, { 'x-epo-session': 'bad id with spaces' })).status).toBe(400);
    expect(r.upstream.received).toHaveLength(0);
    expect(await healthy(r)).toBe(200);
  });

  it('refuses a body over the limit with 413', async () => {
    r = await rig({ maxBodyBytes: 1000 });
    const res = await chat(r, { messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    expect(res.status).toBe(413);
    expect(await healthy(r)).toBe(200);
  });

  it('passes upstream 429 (with Retry-After) and 500 through with their bodies, secrets redacted, recording nothing', async () => {
    process.env.PROXY_UPSTREAM_KEY = 'sk-upstream-secret-123';
    r = await rig({}, (url) => `${url}#fake-model?key_env=PROXY_UPSTREAM_KEY`);
    const episodes = r.episodes;
    r.upstream.queue.push({ kind: 'status', status: 429, body: '{"error":{"message":"slow down","type":"rate_limit_error"}}', headers: { 'retry-after': '7' } });
    r.upstream.queue.push({ kind: 'status', status: 500, body: '{"error":{"message":"boom; key sk-upstream-secret-123 rejected"}}' });
    const limited = await chat(r, { messages }, { 'x-epo-session': 'e1' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await json(limited)).toEqual({ error: { message: 'slow down', type: 'rate_limit_error' } });
    expect(r.upstream.received[0].headers.authorization).toBe('Bearer sk-upstream-secret-123');
    const failed = await chat(r, { messages }, { 'x-epo-session': 'e1' });
    expect(failed.status).toBe(500);
    const text = await failed.text();
    expect(text).not.toContain('sk-upstream-secret-123');
    expect(text).toContain('[REDACTED]');
    // the retry that succeeds is the session's only turn
    expect((await chat(r, { messages }, { 'x-epo-session': 'e1' })).status).toBe(200);
    await r.proxy.close();
    expect(episodes).toHaveLength(1);
    expect(episodes[0].turns).toHaveLength(1);
    expect(JSON.stringify(episodes)).not.toContain('sk-upstream-secret-123');
    delete process.env.PROXY_UPSTREAM_KEY;
  });

  it('answers 502 when the upstream cannot be reached, and keeps serving', async () => {
    r = await rig();
    const dead = r.upstream.url;
    await r.upstream.close();
    const res = await chat(r, { messages });
    expect(res.status).toBe(502);
    expect((await json(res)).error).toMatchObject({ type: 'upstream_error', code: 'upstream_unreachable', message: expect.stringContaining(dead) });
    expect((await fetch(`${r.proxy.url}/health`)).status).toBe(200);
    await r.proxy.close();
    r = undefined;
  });

  it('bounds a hanging strategist: pass forwards without a strategy and records the error', async () => {
    r = await rig({ strategist: 'scripted:slow-A?ms=60000', strategistTimeoutMs: 50, onStrategistError: 'pass' });
    const res = await chat(r, { messages }, { 'x-epo-session': 'hang-1' });
    expect(res.status).toBe(200);
    expect(r.upstream.received[0].body.messages).toEqual(messages);
    await r.proxy.close();
    expect(r.episodes[0].turns[0].strategist).toBeUndefined();
    expect(r.episodes[0].turns[0].info?.strategistError).toContain('did not answer within 0.05 s');
  });

  it('bounds a hanging strategist: fail answers 502 and forwards nothing', async () => {
    r = await rig({ strategist: 'scripted:slow-A?ms=60000', strategistTimeoutMs: 50, onStrategistError: 'fail' });
    const res = await chat(r, { messages });
    expect(res.status).toBe(502);
    expect((await json(res)).error).toMatchObject({ type: 'strategist_error', code: 'strategist_failed' });
    expect(r.upstream.received).toHaveLength(0);
    await r.proxy.close();
    expect(r.episodes).toHaveLength(0);
  });

  it('a hanging upstream does not block other sessions', async () => {
    r = await rig();
    r.upstream.queue.push({ kind: 'hang' });
    const stuck = post(`${r.proxy.baseURL}/chat/completions`, { messages }).catch(() => undefined);
    while (r.upstream.received.length < 1) await new Promise((z) => setTimeout(z, 5));
    expect(await healthy(r)).toBe(200);
    await r.upstream.close();
    await stuck;
  });

  it('stops within its drain time although an upstream request hangs, storing the open sessions', async () => {
    r = await rig({ drainMs: 100 });
    await chat(r, { messages }, { 'x-epo-session': 'kept' });
    r.upstream.queue.push({ kind: 'hang' });
    const stuck = chat(r, { messages: [{ role: 'user', content: 'never answered' }] }).catch(() => undefined);
    while (r.upstream.received.length < 2) await new Promise((z) => setTimeout(z, 5));
    await r.proxy.close();
    await stuck;
    expect(r.episodes.map((e) => [e.id, e.outcome.reason])).toEqual([['kept#0', 'shutdown']]);
  });

  it('refuses an outcome without a numeric reward and for unknown sessions', async () => {
    r = await rig();
    await chat(r, { messages }, { 'x-epo-session': 'o1' });
    expect((await post(`${r.proxy.url}/v1/epo/sessions/o1/outcome`, { reward: 'high' })).status).toBe(400);
    expect((await post(`${r.proxy.url}/v1/epo/sessions/nope/outcome`, { reward: 1 })).status).toBe(404);
    expect((await post(`${r.proxy.url}/v1/epo/sessions/o1/outcome`, { reward: 0 })).status).toBe(200);
    expect(r.episodes[0].outcome).toEqual({ reward: 0, success: false, reason: 'outcome' });
  });
});
