/**
 * The LangChain.js wrapper with the real client library (`@langchain/openai`'s ChatOpenAI) against a real local
 * OpenAI-compatible upstream. Each agent runs twice, without and with the strategist, against upstreams answering
 * alike: the guided request must be exactly the unguided one with the strategy injected (by `injectStrategy`, the
 * proxy's rule) and nothing else changed.
 */
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { strategistChat } from '../../src/core/episode.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import type { StrategyRecord } from '../../src/plugin/adapters/guide.js';
import { messagesToConversation, withStrategist } from '../../src/plugin/adapters/langchain.js';
import { injectStrategy, type InjectMode } from '../../src/plugin/inject.js';
import { SessionLog } from '../../src/plugin/session-log.js';
import { RunStore } from '../../src/store/run-store.js';
import { startUpstream, TRIP_STRATEGIES, tripScript, type Reply, type Upstream } from './upstream.js';

const root = mkdtempSync(join(tmpdir(), 'epo-langchain-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const upstreams: Upstream[] = [];
afterEach(async () => { await Promise.all(upstreams.splice(0).map((u) => u.close())); });


const tools = [
  { type: 'function', function: { name: 'search_trains', description: 'Search trains', parameters: { type: 'object', properties: { to: { type: 'string' }, day: { type: 'string' } }, required: ['to', 'day'] } } },
  { type: 'function', function: { name: 'book', description: 'Book a train', parameters: { type: 'object', properties: { train: { type: 'string' } }, required: ['train'] } } },
];
const runTool = (name: string, args: Record<string, unknown>) => (name === 'search_trains' ? JSON.stringify([{ id: 'TGV 6601', to: args.to, dep: '08:04' }]) : `booked ${args.train}`);

async function chat(script: (b: Record<string, any>, n: number) => Reply, fields: Record<string, unknown> = {}) {
  const up = await startUpstream(script);
  upstreams.push(up);
  return { up, model: new ChatOpenAI({ model: 'actor-model', apiKey: 'test-key', configuration: { baseURL: up.baseURL }, maxRetries: 0, ...fields }) };
}

const guided = (plain: Record<string, any>, strategy: string, mode: InjectMode) => ({ ...plain, messages: injectStrategy(plain.messages, strategy, mode) });
const opening = () => [new SystemMessage('You are a travel agent.'), new HumanMessage('Book me a train to Lyon on Friday.')];

/** The agent: call the model, run the tools it asks for, until it answers in text. */
async function agentLoop(model: { invoke(m: BaseMessage[]): Promise<AIMessage>; stream(m: BaseMessage[]): Promise<AsyncIterable<AIMessageChunk>> }, streaming: boolean): Promise<string> {
  const messages: BaseMessage[] = opening();
  for (let step = 0; step < 5; step++) {
    let answer: AIMessage;
    if (streaming) {
      let all: AIMessageChunk | undefined;
      for await (const c of await model.stream(messages)) all = all ? all.concat(c) : c;
      answer = all!;
    } else answer = await model.invoke(messages);
    messages.push(answer);
    if (!answer.tool_calls?.length) return answer.text;
    for (const c of answer.tool_calls) messages.push(new ToolMessage({ content: runTool(c.name, c.args), tool_call_id: c.id!, name: c.name }));
  }
  throw new Error('no answer in 5 steps');
}

describe('withStrategist (LangChain.js)', () => {
  for (const mode of ['system', 'user', 'assistant-prefix'] as const) {
    it(`invoke: the upstream gets the agent's request with the strategy injected (${mode})`, async () => {
      const plain = await chat(() => ({ text: 'On it.' }), { temperature: 0.3 });
      await plain.model.invoke(opening());
      const wrapped = await chat(() => ({ text: 'On it.' }), { temperature: 0.3 });
      const strategist = scriptedModel(['Search trains first.']);
      const r = await withStrategist(wrapped.model, { strategist, inject: mode }).invoke(opening());
      expect(r.text).toBe('On it.');
      expect(wrapped.up.requests).toEqual([guided(plain.up.requests[0], 'Search trains first.', mode)]);
    });
  }

  it('stream: streams the answer in pieces and sends the injected request', async () => {
    const plain = await chat(() => ({ text: 'Looking for trains now.' }));
    for await (const _ of await plain.model.stream(opening()));
    const wrapped = await chat(() => ({ text: 'Looking for trains now.' }));
    const pieces: string[] = [];
    for await (const c of await withStrategist(wrapped.model, { strategist: scriptedModel(['Search trains first.']) }).stream(opening())) pieces.push(c.text);
    expect(pieces.join('')).toBe('Looking for trains now.');
    expect(pieces.filter(Boolean).length).toBeGreaterThan(1);
    expect(wrapped.up.requests[0].stream).toBe(true);
    expect(wrapped.up.requests).toEqual([guided(plain.up.requests[0], 'Search trains first.', 'system')]);
  });

  for (const how of ['invoke', 'stream'] as const) {
    it(`bindTools agent loop over three calls (${how}): tools intact, each call guided, the strategist's chat extends, the session is stored`, async () => {
      const plain = await chat(tripScript);
      expect(await agentLoop(plain.model.bindTools(tools) as any, how === 'stream')).toBe('Booked: TGV 6601 at 08:04 on Friday.');

      const strategist = scriptedModel(TRIP_STRATEGIES);
      const records: StrategyRecord[] = [];
      const run = `langchain-${how}`;
      const log = new SessionLog({ run, runsRoot: root });
      const wrapped = await chat(tripScript);
      const model = withStrategist(wrapped.model, { strategist, inject: 'user', log, onStrategy: (r) => records.push(r) }).bindTools(tools);
      expect(await agentLoop(model, how === 'stream')).toBe('Booked: TGV 6601 at 08:04 on Friday.');

      expect(plain.up.requests).toHaveLength(3);
      expect(plain.up.requests[0].tools.map((t: any) => t.function.name)).toEqual(['search_trains', 'book']);
      expect(wrapped.up.requests).toEqual(plain.up.requests.map((p, k) => guided(p, TRIP_STRATEGIES[k], 'user')));

      expect(new Set(records.map((r) => r.session)).size).toBe(1);
      for (let k = 1; k < 3; k++) {
        expect(strategist.calls[k].messages.slice(0, -1)).toEqual([...strategist.calls[k - 1].messages, { role: 'assistant', content: TRIP_STRATEGIES[k - 1] }]);
      }
      expect(strategist.calls[1].messages.at(-1)!.content).toContain('Agent: calls search_trains({"to":"Lyon","day":"Fri"})\n\nTool result (search_trains): [{"id":"TGV 6601","to":"Lyon","dep":"08:04"}]');

      const session = records[0].session;
      expect(log.close(session, { reward: 1, success: true })).toEqual([`${session}#0`]);
      log.end();
      const store = RunStore.open(join(root, run, 'epo.sqlite'));
      const [e] = [...store.episodes()];
      store.close();
      expect(e.turns.map((t) => t.action)).toEqual(['calls search_trains({"to":"Lyon","day":"Fri"})', 'calls book({"train":"TGV 6601"})', 'Booked: TGV 6601 at 08:04 on Friday.']);
      expect(e.turns[1].observation).toBe('Tool result (book): booked TGV 6601');
      expect(e.models.actor.spec).toBe('langchain:openai:actor-model');
      expect(strategistChat(e)).toEqual([...strategist.calls[2].messages, { role: 'assistant', content: TRIP_STRATEGIES[2] }]);
    });
  }

  it('withStructuredOutput works through the wrapper: the schema goes up as a tool, the answer comes back parsed', async () => {
    const wrapped = await chat(() => ({ toolCalls: [{ id: 'call_9', name: 'Booking', arguments: '{"train":"TGV 6601","dep":"08:04"}' }] }));
    const schema = { type: 'object', properties: { train: { type: 'string' }, dep: { type: 'string' } }, required: ['train', 'dep'] };
    const model = withStrategist(wrapped.model, { strategist: scriptedModel(['Answer with the booking.']) });
    const out = await model.withStructuredOutput(schema, { name: 'Booking' }).invoke(opening());
    expect(out).toEqual({ train: 'TGV 6601', dep: '08:04' });
    expect(wrapped.up.requests[0].tools.map((t: any) => t.function.name)).toEqual(['Booking']);
    expect(wrapped.up.requests[0].messages[0].content).toBe('You are a travel agent.\n\nStrategy for your next step (from your planner): Answer with the booking.');
  });

  it('takes the session from the epoSession call option', async () => {
    const wrapped = await chat(() => ({ text: 'ok' }));
    const records: StrategyRecord[] = [];
    const model = withStrategist(wrapped.model, { strategist: scriptedModel(() => 'Be brief.'), onStrategy: (r) => records.push(r) });
    await model.invoke(opening(), { epoSession: 'a' });
    await model.invoke(opening(), { epoSession: 'b' });
    await model.invoke([...opening(), new AIMessage('ok'), new HumanMessage('Thanks')], { epoSession: 'a' });
    expect(records.map((r) => [r.session, r.call])).toEqual([['a', 0], ['b', 0], ['a', 1]]);
    expect(wrapped.up.requests.every((r) => !('epoSession' in r))).toBe(true);
  });

  it('refuses bindTools on a model that cannot bind tools, with an EpoError', () => {
    const model = withStrategist({ _llmType: () => 'x', getName: () => 'NoTools' } as unknown as BaseChatModel, { strategist: scriptedModel(['s']) });
    expect(() => model.bindTools(tools)).toThrow(/cannot bind tools/);
  });
});

describe('LangChain messages', () => {
  it('read as the agent conversation: roles, tool calls with JSON arguments, tool results with their call id', () => {
    expect(messagesToConversation([
      new SystemMessage('S'),
      new HumanMessage({ content: [{ type: 'text', text: 'U' }] }),
      new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'f', args: { a: 1 } }] }),
      new ToolMessage({ content: 'r', tool_call_id: 'c1', name: 'f' }),
    ])).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: [{ type: 'text', text: 'U' }] },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      { role: 'tool', content: 'r', tool_call_id: 'c1', name: 'f' },
    ]);
  });
});
