/**
 * The AI SDK middleware with the real client library (`ai` with `@ai-sdk/openai-compatible`) against a real local
 * OpenAI-compatible upstream. Each agent runs twice, without and with the strategist, against upstreams answering
 * alike: the guided request must be exactly the unguided one with the strategy injected (by `injectStrategy`, the
 * proxy's rule) and nothing else changed.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, stepCountIs, streamText, tool, wrapLanguageModel, type LanguageModel } from 'ai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { strategistChat } from '../../src/core/episode.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { epoStrategist, injectIntoPrompt, promptToConversation } from '../../src/plugin/adapters/ai-sdk.js';
import type { StrategyRecord } from '../../src/plugin/adapters/guide.js';
import { injectStrategy, type InjectMode } from '../../src/plugin/inject.js';
import { SessionLog } from '../../src/plugin/session-log.js';
import { RunStore } from '../../src/store/run-store.js';
import { startUpstream, TRIP_STRATEGIES, tripScript, type Reply, type Upstream } from './upstream.js';

const root = mkdtempSync(join(tmpdir(), 'epo-ai-sdk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const upstreams: Upstream[] = [];
afterEach(async () => { await Promise.all(upstreams.splice(0).map((u) => u.close())); });


const tools = {
  search_trains: tool({
    description: 'Search trains',
    inputSchema: jsonSchema<{ to: string; day: string }>({ type: 'object', properties: { to: { type: 'string' }, day: { type: 'string' } }, required: ['to', 'day'] }),
    execute: async ({ to }) => [{ id: 'TGV 6601', to, dep: '08:04' }],
  }),
  book: tool({
    description: 'Book a train',
    inputSchema: jsonSchema<{ train: string }>({ type: 'object', properties: { train: { type: 'string' } }, required: ['train'] }),
    execute: async ({ train }) => `booked ${train}`,
  }),
};

async function model(script: (b: Record<string, any>, n: number) => Reply) {
  const up = await startUpstream(script);
  upstreams.push(up);
  const provider = createOpenAICompatible({ name: 'local', baseURL: up.baseURL, includeUsage: true });
  return { up, model: provider('actor-model') };
}

/** The unguided request with the strategy injected as the proxy would: the messages, and every other field as it was. */
const guided = (plain: Record<string, any>, strategy: string, mode: InjectMode) => ({ ...plain, messages: injectStrategy(plain.messages, strategy, mode) });

const system = 'You are a travel agent.';
const messages = [{ role: 'user' as const, content: 'Book me a train to Lyon on Friday.' }];

describe('epoStrategist (AI SDK middleware)', () => {
  for (const mode of ['system', 'user', 'assistant-prefix'] as const) {
    it(`generateText: the upstream gets the agent's request with the strategy injected (${mode})`, async () => {
      const plain = await model(() => ({ text: 'On it.' }));
      await generateText({ model: plain.model, system, messages, temperature: 0.3, seed: 7 });
      const strategist = scriptedModel(['Search trains first.']);
      const wrapped = await model(() => ({ text: 'On it.' }));
      const r = await generateText({ model: wrapLanguageModel({ model: wrapped.model, middleware: epoStrategist({ strategist, inject: mode }) }), system, messages, temperature: 0.3, seed: 7 });
      expect(r.text).toBe('On it.');
      expect(wrapped.up.requests).toEqual([guided(plain.up.requests[0], 'Search trains first.', mode)]);
    });
  }

  it('streamText: streams the answer and sends the injected request', async () => {
    const plain = await model(() => ({ text: 'Looking for trains now.' }));
    await streamText({ model: plain.model, system, messages }).text;
    const wrapped = await model(() => ({ text: 'Looking for trains now.' }));
    const strategist = scriptedModel(['Search trains first.']);
    const r = streamText({ model: wrapLanguageModel({ model: wrapped.model, middleware: epoStrategist({ strategist }) }), system, messages });
    const pieces: string[] = [];
    for await (const t of r.textStream) pieces.push(t);
    expect(pieces.join('')).toBe('Looking for trains now.');
    expect(pieces.length).toBeGreaterThan(1);
    expect(wrapped.up.requests[0].stream).toBe(true);
    expect(wrapped.up.requests).toEqual([guided(plain.up.requests[0], 'Search trains first.', 'system')]);
  });

  for (const how of ['generateText', 'streamText'] as const) {
    it(`${how} tool loop over three steps: tools intact, each step guided, the strategist's chat extends, the session is stored`, async () => {
      const run = (m: LanguageModel) => (how === 'generateText'
        ? generateText({ model: m, system, messages, tools, toolChoice: 'auto', stopWhen: stepCountIs(5) }).then((r) => r.text)
        : streamText({ model: m, system, messages, tools, toolChoice: 'auto', stopWhen: stepCountIs(5) }).text);
      const plain = await model(tripScript);
      expect(await run(plain.model)).toBe('Booked: TGV 6601 at 08:04 on Friday.');

      const strategist = scriptedModel(TRIP_STRATEGIES);
      const records: StrategyRecord[] = [];
      const log = new SessionLog({ run: `ai-sdk-${how}`, runsRoot: root });
      const wrapped = await model(tripScript);
      const middleware = epoStrategist({ strategist, inject: 'user', log, onStrategy: (r) => records.push(r) });
      expect(await run(wrapLanguageModel({ model: wrapped.model, middleware }))).toBe('Booked: TGV 6601 at 08:04 on Friday.');

      expect(plain.up.requests).toHaveLength(3);
      expect(plain.up.requests[0].tools.map((t: any) => t.function.name)).toEqual(['search_trains', 'book']);
      expect(wrapped.up.requests).toEqual(plain.up.requests.map((p, k) => guided(p, TRIP_STRATEGIES[k], 'user')));

      // one session; the strategist's input at call k is its chat at call k-1 plus its answer and a new user message
      expect(new Set(records.map((r) => r.session)).size).toBe(1);
      expect(records.map((r) => r.call)).toEqual([0, 1, 2]);
      for (let k = 1; k < 3; k++) {
        expect(strategist.calls[k].messages.slice(0, -1)).toEqual([...strategist.calls[k - 1].messages, { role: 'assistant', content: TRIP_STRATEGIES[k - 1] }]);
        expect(strategist.calls[k].messages.at(-1)!.role).toBe('user');
      }
      expect(strategist.calls[1].messages.at(-1)!.content).toContain('Tool result (search_trains): [{"id":"TGV 6601","to":"Lyon","dep":"08:04"}]');
      expect(records.map((r) => r.input)).toEqual(strategist.calls.map((c) => c.messages));

      const session = records[0].session;
      expect(log.close(session, { reward: 1, success: true })).toEqual([`${session}#0`]);
      log.end();
      const store = RunStore.open(join(root, `ai-sdk-${how}`, 'epo.sqlite'));
      const [e] = [...store.episodes()];
      store.close();
      expect(e.env).toBe('proxy');
      expect(e.outcome).toMatchObject({ reward: 1, success: true, reason: 'outcome' });
      expect(e.models).toEqual({ strategist: { spec: 'scripted' }, actor: { spec: 'local.chat:actor-model' } });
      expect(e.turns.map((t) => t.action)).toEqual(['calls search_trains({"to":"Lyon","day":"Fri"})', 'calls book({"train":"TGV 6601"})', 'Booked: TGV 6601 at 08:04 on Friday.']);
      expect(e.turns[0].observation).toBe('Tool result (search_trains): [{"id":"TGV 6601","to":"Lyon","dep":"08:04"}]');
      expect(e.turns[2].actor!.input.at(-1)!.content).toBe('Strategy for your next step (from your planner): Confirm the booking to the user.');
      expect(strategistChat(e)).toEqual([...strategist.calls[2].messages, { role: 'assistant', content: TRIP_STRATEGIES[2] }]);
    });
  }

  it('keeps two agents apart by the session option', async () => {
    const strategist = scriptedModel(() => 'Be brief.');
    const records: StrategyRecord[] = [];
    const wrapped = await model(() => ({ text: 'ok' }));
    const middleware = epoStrategist({ strategist, session: (p) => String((p.providerOptions?.epo as { session?: string } | undefined)?.session), onStrategy: (r) => records.push(r) });
    const m = wrapLanguageModel({ model: wrapped.model, middleware });
    await generateText({ model: m, system, messages, providerOptions: { epo: { session: 'a' } } });
    await generateText({ model: m, system, messages, providerOptions: { epo: { session: 'b' } } });
    await generateText({ model: m, system, messages: [...messages, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'Thanks' }], providerOptions: { epo: { session: 'a' } } });
    expect(records.map((r) => [r.session, r.call])).toEqual([['a', 0], ['b', 0], ['a', 1]]);
    expect(strategist.calls[2].messages).toHaveLength(4);
  });

  it('fails the call when the strategist fails, or passes the request unchanged with onStrategistError pass', async () => {
    const broken = scriptedModel(() => { throw new Error('strategist down'); });
    const failing = await model(() => ({ text: 'ok' }));
    await expect(generateText({ model: wrapLanguageModel({ model: failing.model, middleware: epoStrategist({ strategist: broken }) }), system, messages, maxRetries: 0 })).rejects.toThrow(/strategist down/);
    expect(failing.up.requests).toHaveLength(0);

    const plain = await model(() => ({ text: 'ok' }));
    await generateText({ model: plain.model, system, messages });
    const passing = await model(() => ({ text: 'ok' }));
    const log = new SessionLog({ run: 'ai-sdk-pass', runsRoot: root });
    await generateText({ model: wrapLanguageModel({ model: passing.model, middleware: epoStrategist({ strategist: broken, onStrategistError: 'pass', log, session: 's1' }) }), system, messages });
    expect(passing.up.requests).toEqual(plain.up.requests);
    log.end();
    const store = RunStore.open(join(root, 'ai-sdk-pass', 'epo.sqlite'));
    const [e] = [...store.episodes()];
    store.close();
    expect(e.turns[0].strategist).toBeUndefined();
    expect(e.turns[0].info).toEqual({ strategistError: 'Error: strategist down' });
  });

  it('an onStrategy callback that throws fails the call even with onStrategistError pass (it is not a strategist failure)', async () => {
    const up = await model(() => ({ text: 'ok' }));
    const middleware = epoStrategist({ strategist: scriptedModel(['Go.']), onStrategistError: 'pass', onStrategy: () => { throw new Error('recorder full'); } });
    await expect(generateText({ model: wrapLanguageModel({ model: up.model, middleware }), system, messages, maxRetries: 0 })).rejects.toThrow(/recorder full/);
    expect(up.up.requests).toHaveLength(0);
  });
});

describe('the AI SDK prompt', () => {
  it('reads tool calls and results as the agent conversation, and places the strategy after the tool results', () => {
    const prompt = [
      { role: 'system' as const, content: 'S' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'U' }] },
      { role: 'assistant' as const, content: [{ type: 'tool-call' as const, toolCallId: 'c1', toolName: 'f', input: { a: 1 } }] },
      { role: 'tool' as const, content: [
        { type: 'tool-result' as const, toolCallId: 'c1', toolName: 'f', output: { type: 'json' as const, value: { ok: true } } },
        { type: 'tool-result' as const, toolCallId: 'c2', toolName: 'g', output: { type: 'text' as const, value: 'fine' } },
      ] },
    ];
    expect(promptToConversation(prompt)).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: [{ type: 'text', text: 'U' }] },
      { role: 'assistant', content: [], tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'c1', name: 'f', content: '{"ok":true}' },
      { role: 'tool', tool_call_id: 'c2', name: 'g', content: 'fine' },
    ]);
    expect(injectIntoPrompt(prompt, 'Go.', 'user').slice(4)).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Strategy for your next step (from your planner): Go.' }] }]);
    expect(injectIntoPrompt(prompt, 'Go.', 'system')[0]).toEqual({ role: 'system', content: 'S\n\nStrategy for your next step (from your planner): Go.' });
    expect(prompt[0].content).toBe('S');
  });
});
