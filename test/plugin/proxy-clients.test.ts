/**
 * `epo proxy` driven by the real client libraries an agent would use: the AI SDK (`ai` with
 * `@ai-sdk/openai-compatible`) and LangChain.js (`@langchain/openai`'s ChatOpenAI), pointed at the proxy by base URL,
 * with a real local OpenAI-compatible upstream behind it. Each agent runs a tool-calling loop over several turns,
 * plain and streaming; every request the upstream receives must be the one the same agent sends straight to an
 * upstream, with only the strategy injected; the session is stored as one episode whose strategist chat extends turn
 * by turn.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { strategistChat } from '../../src/core/episode.js';
import type { AgentMessage } from '../../src/plugin/conversation.js';
import { injectStrategy } from '../../src/plugin/inject.js';
import { startFakeUpstream, type Behaviour, type FakeUpstream } from './fake-upstream.js';
import { post, rig, type Rig } from './proxy-helpers.js';

let r: Rig | undefined;
let direct: FakeUpstream | undefined;
afterEach(async () => { await r?.stop(); await direct?.close(); r = undefined; direct = undefined; });

/** The agent's loop as the upstream plays it: search, book, then answer. */
const LOOP: Behaviour[] = [
  { kind: 'tools', calls: [{ id: 'call_1', name: 'search_trains', arguments: '{"to":"Lyon"}' }] },
  { kind: 'tools', calls: [{ id: 'call_2', name: 'book', arguments: '{"train":"TGV 6601"}' }] },
  { kind: 'text', content: 'Booked: TGV 6601 at 08:04.' },
];

const sdkTools = {
  search_trains: tool({
    description: 'Search trains',
    inputSchema: jsonSchema<{ to: string }>({ type: 'object', properties: { to: { type: 'string' } }, required: ['to'] }),
    execute: async () => [{ id: 'TGV 6601', dep: '08:04' }],
  }),
  book: tool({
    description: 'Book a train',
    inputSchema: jsonSchema<{ train: string }>({ type: 'object', properties: { train: { type: 'string' } }, required: ['train'] }),
    execute: async ({ train }) => `booked ${train}`,
  }),
};

/** Two upstreams playing the same loop: one behind the proxy, one the agent talks to directly. */
async function pair(): Promise<{ proxied: Rig; straight: FakeUpstream }> {
  r = await rig();
  direct = await startFakeUpstream();
  r.upstream.queue.push(...LOOP);
  direct.queue.push(...LOOP);
  return { proxied: r, straight: direct };
}

/** Each guided request equals the unguided one with strategy i injected; nothing else differs. */
function expectOnlyStrategies(guided: FakeUpstream, unguided: FakeUpstream) {
  expect(guided.received).toHaveLength(unguided.received.length);
  guided.received.forEach((g, i) => {
    const u = unguided.received[i].body;
    expect(g.body).toEqual({ ...u, messages: injectStrategy(u.messages as AgentMessage[], `A strategy ${i + 1}`, 'system') });
  });
}

async function storedSession(p: Rig, session: string) {
  expect((await post(`${p.proxy.url}/v1/epo/sessions/${session}/outcome`, { reward: 1, success: true })).status).toBe(200);
  expect(p.episodes).toHaveLength(1);
  const e = p.episodes[0];
  expect(e.turns.map((t) => t.action)).toEqual(['calls search_trains({"to":"Lyon"})', 'calls book({"train":"TGV 6601"})', 'Booked: TGV 6601 at 08:04.']);
  expect(strategistChat(e).filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['A strategy 1', 'A strategy 2', 'A strategy 3']);
  expect(e.outcome).toMatchObject({ reward: 1, success: true });
  return e;
}

describe('epo proxy with the AI SDK as the agent', () => {
  const agent = (baseURL: string, session?: string) =>
    createOpenAICompatible({ name: 'agent', baseURL, headers: session ? { 'X-EPO-Session': session } : undefined })('fake-model');
  const task = { system: 'You are a travel agent.', prompt: 'Book me a train to Lyon.', tools: sdkTools, stopWhen: stepCountIs(5) };

  it('generateText: a three-step tool loop reaches the upstream with only the strategy added, stored as one episode', async () => {
    const { proxied, straight } = await pair();
    const viaProxy = await generateText({ model: agent(proxied.proxy.baseURL, 'sdk-1'), ...task });
    const plain = await generateText({ model: agent(`${straight.url}`), ...task });
    expect(viaProxy.text).toBe('Booked: TGV 6601 at 08:04.');
    expect(viaProxy.steps).toHaveLength(3);
    expect(plain.text).toBe(viaProxy.text);
    expectOnlyStrategies(proxied.upstream, straight);
    const e = await storedSession(proxied, 'sdk-1');
    expect(e.turns[1].observation).toContain('TGV 6601'); // the tool result the agent sent back next
  });

  it('streamText: the streamed tool calls arrive intact through the proxy', async () => {
    const { proxied, straight } = await pair();
    const viaProxy = streamText({ model: agent(proxied.proxy.baseURL, 'sdk-2'), ...task });
    const plain = streamText({ model: agent(`${straight.url}`), ...task });
    expect(await viaProxy.text).toBe('Booked: TGV 6601 at 08:04.');
    expect(await plain.text).toBe('Booked: TGV 6601 at 08:04.');
    expect((await viaProxy.steps).flatMap((s) => s.toolCalls.map((c) => [c.toolName, c.input]))).toEqual([['search_trains', { to: 'Lyon' }], ['book', { train: 'TGV 6601' }]]);
    expectOnlyStrategies(proxied.upstream, straight);
    expect(proxied.upstream.received.every((q) => q.body.stream === true)).toBe(true);
    await storedSession(proxied, 'sdk-2');
  });
});

describe('epo proxy with LangChain.js as the agent', () => {
  const lcTools = [
    { type: 'function' as const, function: { name: 'search_trains', description: 'Search trains', parameters: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'] } } },
    { type: 'function' as const, function: { name: 'book', description: 'Book a train', parameters: { type: 'object', properties: { train: { type: 'string' } }, required: ['train'] } } },
  ];
  const results: Record<string, string> = { search_trains: '[{"id":"TGV 6601","dep":"08:04"}]', book: 'booked TGV 6601' };

  /** A streamed answer, its chunks (tool-call deltas included) joined as LangChain agents join them. */
  async function streamed(model: { stream(m: BaseMessage[]): Promise<AsyncIterable<AIMessageChunk>> }, messages: BaseMessage[]): Promise<AIMessage> {
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(messages)) whole = whole ? whole.concat(chunk) : chunk;
    return whole!;
  }

  /** The agent's own loop: call the model, run the tools it asks for, until it answers in text. */
  async function run(baseURL: string, session: string | undefined, streaming: boolean): Promise<string> {
    const model = new ChatOpenAI({
      model: 'fake-model', apiKey: 'unused', maxRetries: 0,
      configuration: { baseURL, defaultHeaders: session ? { 'X-EPO-Session': session } : undefined },
    }).bindTools(lcTools);
    const messages: BaseMessage[] = [new SystemMessage('You are a travel agent.'), new HumanMessage('Book me a train to Lyon.')];
    for (let step = 0; step < 5; step++) {
      const answer = streaming ? await streamed(model, messages) : (await model.invoke(messages)) as AIMessage;
      messages.push(answer);
      if (!answer.tool_calls?.length) return String(answer.content);
      for (const c of answer.tool_calls) messages.push(new ToolMessage({ content: results[c.name], tool_call_id: c.id! }));
    }
    throw new Error('the agent did not finish');
  }

  for (const streaming of [false, true]) {
    it(`a tool-calling loop ${streaming ? 'streamed' : 'plain'}: the upstream gets the agent's requests plus the strategy`, async () => {
      const { proxied, straight } = await pair();
      const session = `lc-${streaming}`;
      expect(await run(proxied.proxy.baseURL, session, streaming)).toBe('Booked: TGV 6601 at 08:04.');
      expect(await run(straight.url, undefined, streaming)).toBe('Booked: TGV 6601 at 08:04.');
      expectOnlyStrategies(proxied.upstream, straight);
      expect(proxied.upstream.received[0].body.tools).toEqual(lcTools);
      await storedSession(proxied, session);
    });
  }
});
