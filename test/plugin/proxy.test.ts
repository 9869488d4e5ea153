import { afterEach, describe, expect, it } from 'vitest';
import { strategistChat } from '../../src/core/episode.js';
import type { AgentMessage } from '../../src/plugin/conversation.js';
import { injectStrategy } from '../../src/plugin/inject.js';
import { json, post, rig, type Rig } from './proxy-helpers.js';

let r: Rig | undefined;
afterEach(async () => { await r?.stop(); r = undefined; });

const tools = [{ type: 'function', function: { name: 'search_trains', parameters: { type: 'object', properties: { to: { type: 'string' } } } } }];
const start: AgentMessage[] = [
  { role: 'system', content: 'You are a travel agent.' },
  { role: 'user', content: 'Book me a train to Lyon on Friday.' },
];

describe('epo proxy: what the upstream receives', () => {
  it('forwards the agent request unchanged but for the injected strategy, and relays the answer byte for byte', async () => {
    r = await rig();
    const request = {
      model: 'fake-model', messages: start, tools, tool_choice: 'auto', response_format: { type: 'text' }, n: 1, seed: 7, stop: ['END'],
      temperature: 0.2, x_vendor_field: { keep: [1, 2] },
    };
    const res = await post(`${r.proxy.baseURL}/chat/completions`, request);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text).choices[0].message.content).toBe('ok 1');
    expect(r.upstream.received).toHaveLength(1);
    const got = r.upstream.received[0].body;
    expect(got).toEqual({ ...request, messages: injectStrategy(start, 'A strategy 1', 'system') });
    expect((got.messages as AgentMessage[])[0].content).toBe('You are a travel agent.\n\nStrategy for your next step (from your planner): A strategy 1');
    expect(res.headers.get('x-epo-session')).toMatch(/^s-/);
  });

  it('places the strategy as the last user message or an assistant prefix when asked', async () => {
    r = await rig({ inject: 'assistant-prefix' });
    await post(`${r.proxy.baseURL}/chat/completions`, { model: 'fake-model', messages: start });
    expect(r.upstream.received[0].body.messages).toEqual([...start, { role: 'assistant', content: 'Thought: A strategy 1\n' }]);
  });

  it('passes the upstream event stream through as it comes, tool-call deltas intact, and records the assembled call', async () => {
    r = await rig();
    r.upstream.queue.push({ kind: 'tools', calls: [{ id: 'c1', name: 'search_trains', arguments: '{"to":"Lyon","day":"Fri"}' }] });
    const res = await post(`${r.proxy.baseURL}/chat/completions`, { model: 'fake-model', messages: start, tools, stream: true }, { 'x-epo-session': 'agent-7' });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const body = await res.text();
    const events = body.split('\n\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)));
    const args = events.flatMap((e) => e.choices[0].delta.tool_calls ?? []).map((d: { function: { arguments: string } }) => d.function.arguments).join('');
    expect(args).toBe('{"to":"Lyon","day":"Fri"}');
    expect(events[1].choices[0].delta.tool_calls[0]).toEqual({ index: 0, id: 'c1', type: 'function', function: { name: 'search_trains', arguments: '' } });
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect((await post(`${r.proxy.url}/v1/epo/sessions/agent-7/outcome`, { reward: 1, success: true })).status).toBe(200);
    const res2 = await post(`${r.proxy.url}/v1/epo/sessions/agent-7/outcome`, { reward: 1, success: true });
    expect(res2.status).toBe(404); // closed by the first
    expect(r.episodes).toHaveLength(1);
    expect(r.episodes[0].turns[0].action).toBe('calls search_trains({"to":"Lyon","day":"Fri"})');
    expect(r.episodes[0].turns[0].info?.toolCalls).toEqual([{ id: 'c1', name: 'search_trains', arguments: '{"to":"Lyon","day":"Fri"}' }]);
  });

  it('forwards GET /v1/models from the upstream and answers /health without the token', async () => {
    process.env.PROXY_TEST_TOKEN = 'tok-123456789';
    r = await rig({ token: 'tok-123456789' });
    expect((await fetch(`${r.proxy.url}/health`)).status).toBe(200);
    expect((await fetch(`${r.proxy.baseURL}/models`)).status).toBe(401);
    const res = await fetch(`${r.proxy.baseURL}/models`, { headers: { authorization: 'Bearer tok-123456789' } });
    expect((await json(res)).data[0].id).toBe('fake-model');
    const chat = await post(`${r.proxy.baseURL}/chat/completions`, { messages: start });
    expect(chat.status).toBe(401);
    expect(r.upstream.received).toHaveLength(0);
    delete process.env.PROXY_TEST_TOKEN;
  });
});

describe('epo proxy: a tool-using session becomes one episode', () => {
  it('groups successive requests by conversation prefix and stores one episode whose strategist chat extends turn by turn', async () => {
    r = await rig();
    const url = `${r.proxy.baseURL}/chat/completions`;
    r.upstream.queue.push({ kind: 'tools', calls: [{ id: 'c1', name: 'search_trains', arguments: '{"to":"Lyon"}' }] });
    const a1 = await post(url, { model: 'fake-model', messages: start, tools });
    const session = a1.headers.get('x-epo-session')!;
    const m1 = (await json(a1)).choices[0].message;
    // an unrelated agent in between starts its own session
    const other = await post(url, { model: 'fake-model', messages: [{ role: 'user', content: 'What is 2+2?' }] });
    expect(other.headers.get('x-epo-session')).not.toBe(session);
    const turn2: AgentMessage[] = [...start, m1, { role: 'tool', tool_call_id: 'c1', name: 'search_trains', content: '[{"id":"TGV 6601"}]' }];
    r.upstream.queue.push({ kind: 'text', content: 'Booked TGV 6601.' });
    const a2 = await post(url, { model: 'fake-model', messages: turn2, tools });
    expect(a2.headers.get('x-epo-session')).toBe(session);
    const m2 = (await json(a2)).choices[0].message;
    const turn3: AgentMessage[] = [...turn2, m2, { role: 'user', content: 'Thanks! And a return on Sunday?' }];
    const a3 = await post(url, { model: 'fake-model', messages: turn3, tools, stream: true });
    expect(a3.headers.get('x-epo-session')).toBe(session);
    await a3.text();
    const out = await post(`${r.proxy.url}/v1/epo/sessions/${session}/outcome`, { reward: 0.8, success: true });
    expect(await json(out)).toEqual({ session, episode: `${session}#0`, turns: 3, stored: true });

    expect(r.episodes).toHaveLength(1);
    const e = r.episodes[0];
    expect(e).toMatchObject({ env: 'proxy', taskId: session, trial: 0, task: { goal: 'Book me a train to Lyon on Friday.', arm: 'A' }, outcome: { reward: 0.8, success: true, reason: 'outcome' } });
    expect(e.turns.map((t) => t.action)).toEqual(['calls search_trains({"to":"Lyon"})', 'Booked TGV 6601.', 'ok 2']);
    expect(e.turns.map((t) => t.observation)).toEqual([
      'Tool result (search_trains): [{"id":"TGV 6601"}]', 'User: Thanks! And a return on Sunday?', '',
    ]);
    expect(e.turns.map((t) => t.strategist?.output)).toEqual(['A strategy 1', 'A strategy 3', 'A strategy 4']);
    const chat = strategistChat(e);
    expect(chat.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['A strategy 1', 'A strategy 3', 'A strategy 4']);
    for (let k = 1; k < e.turns.length; k++) expect(e.turns[k].strategist!.input.slice(0, e.turns[k - 1].strategist!.input.length)).toEqual(e.turns[k - 1].strategist!.input);
    expect(e.turns[1].strategist!.input.at(-1)!.content).toContain('Tool result (search_trains): [{"id":"TGV 6601"}]');
    // the actor call is the request as forwarded, strategy included
    expect(e.turns[2].actor!.input[0]).toEqual({ role: 'system', content: 'You are a travel agent.\n\nStrategy for your next step (from your planner): A strategy 4' });
    expect(e.turns[2].done).toBe(true);
    expect(e.models.strategist.spec).toBe('scripted:plan-A');
  });

  it('closes a session after the idle timeout and stores it once; shutdown stores the sessions still open', async () => {
    r = await rig({ idleTimeoutMs: 50 });
    const url = `${r.proxy.baseURL}/chat/completions`;
    await post(url, { messages: start }, { 'x-epo-session': 'idle-1' });
    for (let i = 0; i < 200 && r.episodes.length === 0; i++) await new Promise((z) => setTimeout(z, 10));
    expect(r.episodes.map((e) => [e.id, e.outcome.reason])).toEqual([['idle-1#0', 'idle']]);
    // the same id again is the next trial, never the stored one overwritten
    await post(url, { messages: start }, { 'x-epo-session': 'idle-1' });
    await r.proxy.close();
    expect(r.episodes.map((e) => e.id)).toContain('idle-1#1');
  });

  it('an agent that rewrites its history under the same session id goes on as the next trial', async () => {
    r = await rig();
    const url = `${r.proxy.baseURL}/chat/completions`;
    const a1 = await json(await post(url, { messages: start }, { 'x-epo-session': 'rw' }));
    await post(url, { messages: [...start, a1.choices[0].message, { role: 'user', content: 'go on' }] }, { 'x-epo-session': 'rw' });
    await post(url, { messages: [{ role: 'user', content: 'Something else entirely.' }] }, { 'x-epo-session': 'rw' });
    await post(`${r.proxy.url}/v1/epo/sessions/rw/outcome`, { reward: 1 });
    expect(r.episodes.map((e) => [e.id, e.turns.length, e.outcome.reason])).toEqual([['rw#0', 2, 'restarted'], ['rw#1', 1, 'outcome']]);
    for (const e of r.episodes) expect(strategistChat(e).filter((m) => m.role === 'assistant')).toHaveLength(e.turns.length);
  });

  it('stores open sessions at shutdown with reason shutdown', async () => {
    r = await rig();
    await post(`${r.proxy.baseURL}/chat/completions`, { messages: start }, { 'x-epo-session': 'open-1' });
    expect(r.proxy.openSessions()).toBe(1);
    await r.proxy.close();
    expect(r.episodes.map((e) => [e.id, e.outcome.reason])).toEqual([['open-1#0', 'shutdown']]);
  });
});
