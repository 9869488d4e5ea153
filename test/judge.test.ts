import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRule } from '../src/rewards/returns.js';
import { RunStore } from '../src/store/run-store.js';
import { buildDataset } from '../src/train/dataset.js';
import { extractJson } from '../src/llm/json-extract.js';
import { judgeEpisode, labelEpisodes, newCounters } from '../src/rewards/judge/label.js';
import { chatPositionsToTurns, parseJudgeAnswer } from '../src/rewards/judge/parse.js';
import { scriptedJudgeAnswer } from '../src/rewards/judge/scripted.js';
import { judgeMessages, renderTrajectory } from '../src/rewards/judge/prompts.js';
import { scriptedModel } from '../src/llm/scripted.js';
import type { Label } from '../src/core/label.js';
import { chatEpisode, sotopiaEpisode } from './helpers/strategist-episodes.js';

describe('judge answer parsing', () => {
  it('a brace inside the reasoning does not cut the object (the reference regex would)', () => {
    const r = parseJudgeAnswer('Here: {"indexes": [2, 4], "reasoning": "strategy 2 found the mug {at last}} and 4 placed it"} done', 5);
    expect(r).toEqual({ ok: true, answer: { indexes: [1, 3], reasoning: 'strategy 2 found the mug {at last}} and 4 placed it', invalid: [] } });
  });

  it('escaped quotes, raw newlines inside strings, code fences and earlier non-JSON braces', () => {
    const text = 'I weigh {the options}.\n```json\n{"indexes": ["3", 1, 1], "reasoning": "he said \\"}\\" then\nleft"}\n```';
    const r = parseJudgeAnswer(text, 3);
    expect(r.ok && r.answer).toEqual({ indexes: [0, 2], reasoning: 'he said "}" then\nleft', invalid: [] });
  });

  it('out-of-range, zero and fractional numbers are invalid: not ok, the valid part kept, the range named', () => {
    const r = parseJudgeAnswer('{"indexes": [0, 2, 9, 2.5], "reasoning": "x"}', 5);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.partial?.indexes).toEqual([1]);
    expect(r.partial?.invalid).toEqual([0, 9, 2.5]);
    expect(r.problem).toBe('0, 9, 2.5 are not strategy numbers; the strategies are numbered 1 to 5');
  });

  it('no JSON at all, JSON without indexes, indexes not a list', () => {
    expect(parseJudgeAnswer('Turns 2 and 3 mattered most.', 4)).toEqual({ ok: false, problem: 'the answer contains no JSON object' });
    expect(parseJudgeAnswer('{"turns": [2]}', 4)).toEqual({ ok: false, problem: 'the JSON object has no "indexes" field' });
    expect(parseJudgeAnswer('{"indexes": 2}', 4)).toEqual({ ok: false, problem: '"indexes" must be a list of strategy numbers' });
    expect(parseJudgeAnswer('{"indexes": [1, 2', 4)).toEqual({ ok: false, problem: 'the answer contains no JSON object' });
  });

  it('an empty list is a valid answer (nothing critical)', () => {
    expect(parseJudgeAnswer('{"indexes": [], "reasoning": "none mattered"}', 3)).toEqual({ ok: true, answer: { indexes: [], reasoning: 'none mattered', invalid: [] } });
  });

  it('the shared scan skips objects the judge did not ask for and tolerates raw newlines in strings', () => {
    const text = 'a {"x": {"y": "}"}} b {"indexes": [1],\n "reasoning": "line one\nline two"} {unclosed';
    const found = extractJson(text, { accept: (v) => !!v && typeof v === 'object' && 'indexes' in v });
    expect(found).toMatchObject({ ok: true, value: { indexes: [1], reasoning: 'line one\nline two' } });
    expect(extractJson(text)).toMatchObject({ ok: true, value: { x: { y: '}' } } });
  });

  it('reference-format chat positions: human-turn positions are dropped, assistant positions become turn indexes', () => {
    const roles = ['user', 'assistant', 'user', 'assistant', 'user', 'assistant'];
    expect(chatPositionsToTurns([0, 1, 4, 5, 5, 9], roles)).toEqual({ turns: [0, 2], dropped: [0, 4, 9] });
  });
});

describe('judge prompt', () => {
  it('numbers the strategist turns only, with actions and observations unnumbered', () => {
    const e = chatEpisode({ turns: 2 });
    expect(renderTrajectory(e)).toEqual({
      count: 2,
      text: [
        '[Strategy 1] Strategy: step 0 of task-0', 'Action: go to shelf 1', 'Observation: On the shelf 1, you see a mug 1.',
        '[Strategy 2] Strategy: step 1 of task-0', 'Action: go to shelf 2', 'Observation: On the shelf 2, you see a mug 2.',
      ].join('\n'),
    });
    const { messages } = judgeMessages(e);
    expect(messages[1].content).toContain('The chore was completed (success = 1.0).');
    expect(messages[1].content).toContain('Which strategies (numbers 1 to 2) were decisive?');
  });

  it('SOTOPIA: numbers only the judged seat, states its goal score', () => {
    const e = sotopiaEpisode([7, 3]);
    const { messages, count } = judgeMessages(e, 1);
    expect(count).toBe(2);
    expect(messages[1].content).toContain('(other person): said "hello 0"\n[Strategy 1] Strategy: seat 1 move 0\n(guided by the strategist): said "hello 1"');
    e.evaluation = { ok: true, seats: [{ character: 'Ana Li', scores: { goal: 7 } }, { character: 'Bo Chen', scores: { goal: 3 } }] };
    expect(judgeMessages(e, 1).messages[1].content).toContain('Ana Li (other person): said "hello 0"\n[Strategy 1] Strategy: seat 1 move 0\nBo Chen (guided by the strategist): said "hello 1"');
    expect(messages[1].content).toContain('goal-completion score of this person was 3 on a scale from 0');
  });
});

describe('judge labeling', () => {
  it('repairs an answer with no JSON, then keeps the valid pick', async () => {
    const model = scriptedModel(['I think the second one.', '{"indexes": [2], "reasoning": "found the mug"}'], { spec: 'judge-x' });
    const c = newCounters();
    const label = await judgeEpisode(chatEpisode({ turns: 3 }), { model, seed: 1 }, c);
    expect(label).toMatchObject({ labeler: 'judge:judge-x', rewards: [0, 1, 0], critical: [1], reasoning: 'found the mug', samples: 1 });
    expect(c).toEqual({ calls: 2, repairs: 1, failedSamples: 0, droppedIndexes: 0, votedTurns: 0, unanimousTurns: 0 });
    const second = model.calls[1].messages;
    expect(second.at(-2)).toEqual({ role: 'assistant', content: 'I think the second one.' });
    expect(second.at(-1)?.content).toContain('the answer contains no JSON object');
    expect(model.calls[0].temperature).toBe(0.7);
  });

  it('after the repairs run out, an answer with out-of-range numbers keeps its valid ones and counts the rest', async () => {
    const model = scriptedModel(['{"indexes": [7, 1], "reasoning": "r"}'], { cycle: true });
    const c = newCounters();
    const label = await judgeEpisode(chatEpisode({ turns: 3 }), { model, maxRepairs: 1 }, c);
    expect(label.critical).toEqual([0]);
    expect(c).toEqual({ calls: 2, repairs: 1, failedSamples: 0, droppedIndexes: 1, votedTurns: 0, unanimousTurns: 0 });
    expect(model.calls[1].messages.at(-1)?.content).toContain('7 is not a strategy number; the strategies are numbered 1 to 3');
  });

  it('votes over samples: picks [1,2], [2], [2,3] keep only strategy 2; vote fractions recorded; seeds differ', async () => {
    const model = scriptedModel(['{"indexes":[1,2],"reasoning":"a"}', '{"indexes":[2],"reasoning":"b"}', '{"indexes":[2,3],"reasoning":"c"}']);
    const c = newCounters();
    const label = await judgeEpisode(chatEpisode({ turns: 3 }), { model, samples: 3 }, c);
    expect(label.critical).toEqual([1]);
    expect([c.votedTurns, c.unanimousTurns]).toEqual([3, 1]);
    expect(label.votes).toEqual([1 / 3, 1, 1 / 3]);
    expect(new Set(model.calls.map((c) => c.seed)).size).toBe(3);
  });

  it('SOTOPIA: one judgement per seat, rewards in episode order of strategist turns', async () => {
    const model = scriptedModel((req) => (req.messages[1].content.includes('goal-completion score of this person was 7') ? '{"indexes":[2],"reasoning":"closed the deal"}' : '{"indexes":[1],"reasoning":"opened well"}'));
    const label = await judgeEpisode(sotopiaEpisode([7, 3]), { model });
    // strategist turns in episode order: seat0 m0, seat1 m0, seat0 m1, seat1 m1
    expect(label.rewards).toEqual([0, 1, 1, 0]);
    expect(label.critical).toEqual([1, 2]);
    expect(label.reasoning).toBe('seat 0: closed the deal\nseat 1: opened well');
  });

  it('an episode with no usable answer is counted as failed and not saved; the others are', async () => {
    const model = scriptedModel((req) => (req.messages[1].content.includes('task-bad') ? 'no idea' : '{"indexes":[1],"reasoning":"ok"}'));
    const saved: [string, Label][] = [];
    const episodes = [chatEpisode({ taskId: 'task-a' }), chatEpisode({ taskId: 'task-bad' }), chatEpisode({ taskId: 'task-c' })];
    const stats = await labelEpisodes(episodes.map((e) => e.id), (id) => episodes.find((e) => e.id === id), (e) => judgeEpisode(e, { model, maxRepairs: 1 }), (id, l) => saved.push([id, l]), { concurrency: 2 });
    expect(stats).toMatchObject({ total: 3, labelled: 2, failed: 1 });
    expect(stats.errors[0]).toEqual({ id: 'task-bad#0', error: 'MODEL_OUTPUT: the judge gave no usable answer in 1 sample(s) (at episode task-bad#0)' });
    expect(saved.map(([id]) => id).sort()).toEqual(['task-a#0', 'task-c#0']);
  });
});

describe('judge labels in a real run store feed the dataset', () => {
  it('labels stored per episode; the reference rule turns picks into weights', async () => {
    const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'epo-judge-')), 'epo.sqlite'));
    store.putEpisodes([chatEpisode({ taskId: 'a', turns: 5, env: 'webshop', outcome: 0.7 }), chatEpisode({ taskId: 'b', turns: 5, env: 'webshop', outcome: 0.7 })]);
    const model = scriptedModel((req) => (req.messages[1].content.includes('(a)') ? '{"indexes":[2],"reasoning":"searched well"}' : '{"indexes":[],"reasoning":"nothing stood out"}'), { spec: 'j' });
    const ids = [...store.finishedIds()].sort();
    const stats = await labelEpisodes(ids, (id) => store.getEpisode(id), (e) => judgeEpisode(e, { model }), (id, l) => store.putLabel(id, l), { concurrency: 2 });
    expect(stats.labelled).toBe(2);
    expect(store.getLabel('a#0', 'judge:j')).toMatchObject({ rewards: [0, 1, 0, 0, 0], critical: [1], reasoning: 'searched well' });
    const ds = buildDataset([{ name: 'r', episodes: () => store.episodes(), getLabel: (id, l) => store.getLabel(id, l) }], { rule: makeRule('reference'), labeler: 'judge:j' });
    store.close();
    expect(ds.examples.map((x) => x.weights.map((w) => Number(w.toFixed(3))))).toEqual([[0.990, 1.000, 0.409, 0.413, 0.417], [0.961, 0.970, 0.980, 0.990, 1.000]]);
  });
});

describe('scripted judge (offline wiring)', () => {
  it('picks by rule from the prompt\'s own strategy count', () => {
    const { messages } = judgeMessages(chatEpisode({ turns: 4 }));
    const text = messages[1].content;
    expect(JSON.parse(scriptedJudgeAnswer(text, 'last')).indexes).toEqual([4]);
    expect(JSON.parse(scriptedJudgeAnswer(text, 'even')).indexes).toEqual([2, 4]);
    expect(JSON.parse(scriptedJudgeAnswer(text, 'none')).indexes).toEqual([]);
  });
});
