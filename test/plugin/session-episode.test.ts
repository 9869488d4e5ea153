/**
 * Agent sessions as episodes: one turn per model call, observations from what the agent added before its next call,
 * a new episode where the strategist started afresh; stored by the session log and read by the judge and the dataset
 * builder like any run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { strategistChat } from '../../src/core/episode.js';
import { isEpoError } from '../../src/core/errors.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { judgeEpisode } from '../../src/rewards/judge/label.js';
import { scriptedJudgeAnswer } from '../../src/rewards/judge/scripted.js';
import { makeRule } from '../../src/rewards/returns.js';
import type { AgentMessage } from '../../src/plugin/conversation.js';
import { addedSince, sessionEpisodes, splitAtRestarts, type SessionCall } from '../../src/plugin/session-episode.js';
import { SessionLog } from '../../src/plugin/session-log.js';
import { strategize, type StrategistState } from '../../src/plugin/strategize.js';
import { RunStore } from '../../src/store/run-store.js';
import { buildDataset } from '../../src/train/dataset.js';

const root = mkdtempSync(join(tmpdir(), 'epo-session-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sys: AgentMessage = { role: 'system', content: 'You are a travel agent.' };
const ask: AgentMessage = { role: 'user', content: 'Book me a train to Lyon.' };
const search: AgentMessage = { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"to":"Lyon"}' } }] };
const found: AgentMessage = { role: 'tool', tool_call_id: 'c1', name: 'search', content: 'TGV 6601 08:04' };
const booked: AgentMessage = { role: 'assistant', content: 'Booked TGV 6601.' };

/** A session played through the real strategize: each call's request, the strategist's call and the answer. */
async function play(requests: AgentMessage[][], answers: AgentMessage[], strategies: string[]): Promise<SessionCall[]> {
  const strategist = scriptedModel(strategies);
  let state: StrategistState | undefined;
  const calls: SessionCall[] = [];
  for (const [k, request] of requests.entries()) {
    const r = await strategize(request, { strategist, state });
    state = r.state;
    calls.push({ request, sent: [...request, { role: 'user', content: `Strategy: ${r.strategy}` }], strategist: { input: r.input, output: r.result.text }, answer: answers[k] });
  }
  return calls;
}

const meta = { run: 'r', session: 's1', models: { strategist: { spec: 'scripted' }, actor: { spec: 'local.chat:m' } }, codeVersion: 'test', startedAt: 't0', finishedAt: 't1' };

describe('sessionEpisodes', () => {
  it('one turn per call: the answer as the action, what the agent added next as the observation', async () => {
    const calls = await play([[sys, ask], [sys, ask, search, found]], [search, booked], ['Search first.', 'Book it.']);
    const [e] = sessionEpisodes(calls, { ...meta, outcome: { reward: 1, success: true } });
    expect(e).toMatchObject({ id: 's1#0', env: 'proxy', taskId: 's1', trial: 0, task: { goal: 'Book me a train to Lyon.', session: 's1' }, outcome: { reward: 1, success: true, reason: 'outcome' } });
    expect(e.initialObservation).toBe('Agent instructions: You are a travel agent.\n\nUser: Book me a train to Lyon.');
    expect(e.turns.map((t) => [t.action, t.observation, t.reward, t.done])).toEqual([
      ['calls search({"to":"Lyon"})', 'Tool result (search): TGV 6601 08:04', 0, false],
      ['Booked TGV 6601.', '', 1, true],
    ]);
    expect(e.turns[0].info).toEqual({ toolCalls: [{ id: 'c1', name: 'search', arguments: '{"to":"Lyon"}' }] });
    expect(e.turns[0].actor!.input).toEqual([
      { role: 'system', content: 'You are a travel agent.' }, { role: 'user', content: 'Book me a train to Lyon.' }, { role: 'user', content: 'Strategy: Search first.' },
    ]);
    expect(e.turns[1].actor!.input.slice(2, 4)).toEqual([
      { role: 'assistant', content: 'Agent: calls search({"to":"Lyon"})' }, { role: 'user', content: 'Tool result (search): TGV 6601 08:04' },
    ]);
    expect(strategistChat(e).filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['Search first.', 'Book it.']);
  });

  it('without an outcome the session ends with reward 0 and the reason given', async () => {
    const [e] = sessionEpisodes(await play([[sys, ask]], [booked], ['Go.']), { ...meta, reason: 'idle' });
    expect(e.outcome).toEqual({ reward: 0, success: false, reason: 'idle' });
  });

  it('starts a new episode where the agent rewrote its history and the strategist started afresh', async () => {
    const rewritten: AgentMessage = { role: 'user', content: 'Actually, Paris.' };
    const calls = await play([[sys, ask], [sys, ask, search, found], [sys, rewritten]], [search, booked, booked], ['A', 'B', 'C']);
    expect(splitAtRestarts(calls).map((p) => p.length)).toEqual([2, 1]);
    const es = sessionEpisodes(calls, { ...meta, outcome: { reward: 1, success: true } });
    expect(es.map((e) => [e.id, e.outcome.reason, e.turns.length])).toEqual([['s1#0', 'restarted', 2], ['s1#1', 'outcome', 1]]);
    for (const e of es) expect(() => strategistChat(e)).not.toThrow();
  });

  it('addedSince: the messages after the last assistant message', () => {
    expect(addedSince([sys, ask, search, found])).toEqual([found]);
    expect(addedSince([sys, ask, search, found, booked, ask])).toEqual([ask]);
    expect(addedSince([sys, ask])).toEqual([sys, ask]);
  });
});

describe('SessionLog', () => {
  it('stores sessions as episodes that the judge labels and the dataset builder reads', async () => {
    const log = new SessionLog({ run: 'flywheel', runsRoot: root });
    const models = meta.models;
    for (const c of await play([[sys, ask], [sys, ask, search, found]], [search, booked], ['Search first.', 'Book it.'])) log.record('a', c, models);
    for (const c of await play([[sys, ask]], [booked], ['Just book.'])) log.record('b', c, models);
    expect(log.sessions()).toEqual(['a', 'b']);
    expect(log.close('a', { reward: 1, success: true })).toEqual(['a#0']);
    expect(log.close('nope')).toEqual([]);
    expect(log.end()).toEqual(['b#0']);
    expect(log.end()).toEqual([]);
    let refused: unknown;
    try { log.record('c', (await play([[sys, ask]], [booked], ['x']))[0], models); } catch (e) { refused = e; }
    expect(isEpoError(refused, 'BAD_INPUT')).toBe(true);

    const store = RunStore.open(join(root, 'flywheel', 'epo.sqlite'));
    const judge = scriptedModel((req) => scriptedJudgeAnswer(req.messages.at(-1)!.content, 'last'), { spec: 'scripted:judge' });
    for (const e of store.episodes()) store.putLabel(e.id, await judgeEpisode(e, { model: judge }));
    const ds = buildDataset([{ name: 'flywheel', episodes: () => store.episodes(), getLabel: (id, l) => store.getLabel(id, l) }], { rule: makeRule('reference'), labeler: 'judge:scripted:judge' });
    store.close();
    expect(ds.record.counts).toMatchObject({ episodes: 2, examples: 2, skipped: {} });
    const a = ds.examples.find((x) => x.episodeId === 'a#0')!;
    expect(a.messages.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['Search first.', 'Book it.']);
    expect(a.outcome).toBe(1);
    expect(a.weights).toHaveLength(2);
  });

  it('refuses a second writer on the same run, naming the holder', () => {
    const log = new SessionLog({ run: 'locked', runsRoot: root });
    try {
      expect(() => new SessionLog({ run: 'locked', runsRoot: root })).toThrow(/in use by/);
    } finally {
      log.end();
    }
    new SessionLog({ run: 'locked', runsRoot: root }).end();
  });
});
