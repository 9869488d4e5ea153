/**
 * Self-play on SOTOPIA (the built-in offline tasks): a micro `local:` strategist guides both seats, `scripted:sotopia`
 * acts and evaluates (goal 6 for every seat), a scripted judge labels each seat's first strategy. The loop runs its
 * stages, both seats give training samples, and a loop killed in rollouts or labels resumes without replaying
 * stored episodes or relabelling labelled ones.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scriptedSotopiaModel } from '../src/agents/sotopia/scripted.js';
import { ACTION_TYPES } from '../src/envs/sotopia/episode-rules.js';
import { selectTasks } from '../src/envs/sotopia/task-spec.js';
import { createModel } from '../src/llm/create.js';
import type { ChatModel } from '../src/llm/model.js';
import { scriptedModel } from '../src/llm/scripted.js';
import { initBackend, initModel, LocalChatModel, loadCheckpoint, makeConfig, saveCheckpoint, SPECIAL, SPECIAL_TOKENS, trainBpe } from '../src/model/index.js';
import { scriptedJudgeAnswer } from '../src/rewards/judge/scripted.js';
import { makeRule } from '../src/rewards/returns.js';
import type { Label } from '../src/core/label.js';
import { RunStore } from '../src/store/run-store.js';
import { selfPlay, type SelfPlayOptions, type Stage } from '../src/selfplay/selfplay.js';
import { sotopiaArena } from '../src/selfplay/sotopia-arena.js';
import { baseModelFolder } from './helpers/base-model.js';

const JUDGE = 'scripted:judge?pick=first';
const MAX_TURNS = 4; // seats alternate: seat 0 on turns 0 and 2, seat 1 on turns 1 and 3

let root: string;
let start: string;

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), 'epo-selfplay-sotopia-'));
  const text = 'Strategy: ask politely. Strategy: offer a trade. Strategy: explain the need. You advise the person in the conversation.';
  const tok = trainBpe([text], 300, SPECIAL_TOKENS);
  const model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 8192 },
    { bos: tok.special(SPECIAL.bos), eos: [tok.special(SPECIAL.eot), tok.special(SPECIAL.eos)], pad: tok.special(SPECIAL.pad) }), 5);
  start = join(root, 'start');
  saveCheckpoint(start, { model, tokenizer: tok });
}, 60_000);

/** A model that counts its calls and may fail or stop the loop on a given call. */
function counted(inner: ChatModel, hook?: (prompt: string) => void): ChatModel & { calls: number } {
  const m = {
    spec: inner.spec, calls: 0,
    complete(req: Parameters<ChatModel['complete']>[0]) { m.calls++; hook?.(req.messages.at(-1)?.content ?? ''); return inner.complete(req); },
  };
  return m;
}

interface Setup { options: SelfPlayOptions; actor: ChatModel & { calls: number }; judge: ChatModel & { calls: number }; evaluator: ChatModel & { calls: number } }

function setup(run: string, extra: Partial<SelfPlayOptions> = {}, judgeHook?: (prompt: string) => void, evaluatorHook?: (prompt: string) => void): Setup {
  const models = new Map<string, ChatModel>();
  const actor = counted(scriptedSotopiaModel({}, 'scripted:sotopia'));
  const judge = counted(scriptedModel((req) => scriptedJudgeAnswer(req.messages.at(-1)?.content ?? '', 'first'), { spec: JUDGE }), judgeHook);
  const evaluator = counted(scriptedSotopiaModel({ goal: 6 }, 'scripted:sotopia?goal=6'), evaluatorHook);
  const arena = sotopiaArena({
    train: selectTasks('builtin:0-3', '--train-tasks'), eval: selectTasks('builtin:3-5', '--eval-tasks'),
    actor, evaluator, rules: { maxTurns: MAX_TURNS, maxStale: 2, actionTypes: ACTION_TYPES }, concurrency: 2,
  });
  return {
    actor, judge, evaluator,
    options: {
      run, runsRoot: root, arena, strategist: `local:${start}`,
      makeStrategist(spec, stage) {
        let m = models.get(spec);
        if (!m && !spec.startsWith('local:')) m = createModel(spec); // served strategists (the outside-training path)
        if (!m) { const ck = loadCheckpoint(spec.slice('local:'.length)); m = new LocalChatModel(spec, ck.model, ck.tokenizer, { maxTokens: 6 }); }
        models.set(spec, m);
        return { model: m, ref: { spec, temperature: stage === 'rollouts' ? 1 : 0.7, maxTokens: 6 } };
      },
      judge, rule: makeRule('reference'), iterations: 1, episodes: 4,
      train: { epochs: 1, lr: 1e-3, batchSize: 4, warmupRatio: 0, saveEvery: 1, maxLen: 8192 },
      concurrency: 2, seed: 11, ...extra,
    },
  };
}

const store = <R>(run: string, sub: string, f: (s: RunStore) => R): R => {
  const s = RunStore.open(join(root, run, sub, 'epo.sqlite'));
  try { return f(s); } finally { s.close(); }
};
const finishedAt = (run: string, sub: string): Record<string, string> =>
  existsSync(join(root, run, sub, 'epo.sqlite')) ? store(run, sub, (s) => Object.fromEntries([...s.episodes()].map((e) => [e.id, e.finishedAt]))) : {};

describe('SOTOPIA self-play (built-in tasks, micro local strategist)', () => {
  it('runs every stage: goal rows with intervals, samples from both seats, weights from the judge labels', async () => {
    const { options, judge } = setup('full', { iterations: 2 });
    const r = await selfPlay(options);
    expect(r.waiting).toBe(false);
    expect(r.state.iterations.map((it) => it.done)).toEqual([{ eval: true }, ...[1, 2].map(() => ({ rollouts: true, labels: true, dataset: true, train: true, eval: true }))]);
    for (const it of r.state.iterations) {
      // 2 held-out episodes × 2 seats, every seat scored goal 6 by the evaluator → 0.6 with a zero-width interval
      expect(it.eval).toMatchObject({ metric: 'goal', episodes: 2, successes: 0, rate: { n: 4, mean: 0.6, lo: 0.6, hi: 0.6 }, meanReward: 0.6 });
    }
    const it1 = r.state.iterations[1];
    expect(it1.rollouts).toEqual({ episodes: 4, success: 0, meanReward: 0.6 });
    expect(it1.labels).toEqual({ labelled: 4, failed: 0 });
    expect(it1.strategist).toBe(`local:${join(root, 'full', 'it1-checkpoint')}`);
    expect(r.state.iterations[2].strategist).toBe(`local:${join(root, 'full', 'it2-checkpoint')}`);
    expect(it1.train).toMatchObject({ steps: 2 });
    // one judge call per episode and seat
    expect(judge.calls).toBe(2 * 4 * 2);

    // the rollouts: strategist on both seats, evaluated before labelling; labels are the judge's
    const label = store('full', 'it1-rollouts', (s) => {
      const ids = [...s.finishedIds()].sort();
      expect(ids).toHaveLength(4);
      const e = s.getEpisode(ids[0])!;
      expect(e.turns.map((t) => [t.seat, !!t.strategist])).toEqual([[0, true], [1, true], [0, true], [1, true]]);
      expect(e.outcome.seatRewards).toEqual([0.6, 0.6]);
      return s.getLabel(ids[0], `judge:${JUDGE}`) as Label;
    });
    // "first" strategy of each seat: turns 0 (seat 0) and 1 (seat 1) of the four strategist turns
    expect(label).toMatchObject({ labeler: `judge:${JUDGE}`, rewards: [1, 1, 0, 0], critical: [0, 1], judge: JUDGE });

    // the dataset: one example per episode and seat; reference rule: r = [1, R = 0.6], G = [1.594, 0.6], w = G / 1.594
    const rows = readFileSync(join(root, 'full', 'it1-dataset', 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.filter((x) => x.seat === 0)).toHaveLength(4);
    expect(rows.filter((x) => x.seat === 1)).toHaveLength(4);
    for (const x of rows) {
      expect(x.env).toBe('sotopia');
      expect(x.outcome).toBeCloseTo(0.6, 10);
      expect(x.weights[0]).toBeCloseTo(1, 10);
      expect(x.weights[1]).toBeCloseTo(0.6 / 1.594, 10);
      expect(x.messages.filter((m: { role: string }) => m.role === 'assistant')).toHaveLength(2);
    }
  }, 60_000);

  it('a served strategist stops for outside training with both seats in the LLaMA-Factory export, then continues with --next', async () => {
    const served = 'scripted:sotopia';
    const base = baseModelFolder();
    const first = setup('outside', { strategist: served, handoff: { model: base } });
    const r1 = await selfPlay(first.options);
    expect(r1.waiting).toBe(true);
    expect(r1.state.iterations[1].train).toMatchObject({ waiting: expect.stringContaining('llamafactory-cli train') });
    const sharegpt = JSON.parse(readFileSync(join(root, 'outside', 'it1-dataset', 'epo_it1.json'), 'utf8'));
    // 4 episodes on 3 tasks: the task drawn twice gives the same chats (a scripted strategist), dropped as duplicates
    const seats = readFileSync(join(root, 'outside', 'it1-dataset', 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).seat);
    expect(seats.sort()).toEqual([0, 0, 0, 1, 1, 1]);
    expect(sharegpt).toHaveLength(6);
    const again = setup('outside', { strategist: served, handoff: { model: base }, next: { 1: 'scripted:sotopia?leave=2' } });
    const r2 = await selfPlay(again.options);
    expect(r2.waiting).toBe(false);
    expect(again.actor.calls).toBe(2 * MAX_TURNS); // only the held-out episodes of the served checkpoint
    expect(r2.state.iterations[1]).toMatchObject({ strategist: 'scripted:sotopia?leave=2', eval: { episodes: 2, metric: 'goal' } });
  });

  it('refuses --judge env: SOTOPIA has no environment progress', async () => {
    const { options } = setup('env-judge', { judge: 'env' });
    await expect(selfPlay(options)).rejects.toMatchObject({ code: 'BAD_INPUT', where: '--judge' });
    expect(existsSync(join(root, 'env-judge'))).toBe(false); // refused before anything is written
  });
});

describe('SOTOPIA self-play: kill and resume', () => {
  it('a loop killed in rollouts resumes without replaying stored episodes', async () => {
    const ctrl = new AbortController();
    let seen = 0;
    const first = setup('kill-rollouts', { signal: ctrl.signal, onEvent: (i, s) => { if (i === 1 && s === 'rollouts' && ++seen === 2) ctrl.abort(); } });
    await expect(selfPlay(first.options)).rejects.toThrow(/stopped/);
    const before = finishedAt('kill-rollouts', 'it1-rollouts');
    const kept = Object.keys(before).length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(4);

    const calls: Partial<Record<Stage, number>> = {};
    const again = setup('kill-rollouts', { onStageStart: (_i, s) => { calls[s] = again.actor.calls; } });
    const r = await selfPlay(again.options);
    expect(r.state.iterations[1].done).toEqual({ rollouts: true, labels: true, dataset: true, train: true, eval: true });
    // the held-out episodes of iteration 0 were not replayed; the rollouts played only the missing episodes
    expect(calls.rollouts).toBe(0);
    expect(calls.labels).toBe((4 - kept) * MAX_TURNS);
    const after = finishedAt('kill-rollouts', 'it1-rollouts');
    expect(Object.keys(after)).toHaveLength(4);
    for (const [id, at] of Object.entries(before)) expect(after[id]).toBe(at);
  }, 60_000);

  it('a loop killed in the held-out evaluation resumes it without replaying stored episodes', async () => {
    const ctrl = new AbortController();
    const first = setup('kill-eval', { signal: ctrl.signal, onEvent: (i, s) => { if (i === 1 && s === 'eval') ctrl.abort(); } });
    await expect(selfPlay(first.options)).rejects.toThrow(/stopped/);
    const before = finishedAt('kill-eval', 'it1-eval');
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(1);
    const again = setup('kill-eval');
    const r = await selfPlay(again.options);
    expect(r.state.iterations[1].eval).toMatchObject({ episodes: 2, rate: { n: 4, mean: 0.6 } });
    expect(again.actor.calls).toBe((2 - Object.keys(before).length) * MAX_TURNS);
    expect(again.judge.calls).toBe(0);
    const after = finishedAt('kill-eval', 'it1-eval');
    for (const [id, at] of Object.entries(before)) expect(after[id]).toBe(at);
  }, 60_000);

  it('episodes the evaluator could not score stop the loop and are scored on re-run without replaying their dialogue', async () => {
    const down = setup('evaluator-down', {}, undefined, (prompt) => { if (/renew the lease/i.test(prompt)) throw new Error('evaluator endpoint down'); });
    await expect(selfPlay(down.options)).rejects.toThrow(/the evaluator could not score \d+ episode\(s\), e\.g\. epo-task-rent-1/);
    const stored = finishedAt('evaluator-down', 'it1-rollouts');
    expect(Object.keys(stored)).toHaveLength(4);
    const unscored = store('evaluator-down', 'it1-rollouts', (s) => [...s.episodes()].filter((e) => !e.outcome.evaluated).map((e) => e.id));
    expect(unscored.length).toBeGreaterThan(0);
    expect(unscored.every((id) => id.startsWith('epo-task-rent-1'))).toBe(true);

    const again = setup('evaluator-down', { onStageStart: (_i, s) => { if (s === 'labels') expect(again.actor.calls).toBe(0); } });
    const r = await selfPlay(again.options);
    expect(r.state.iterations[1].rollouts).toEqual({ episodes: 4, success: 0, meanReward: 0.6 });
    // rollouts: one evaluator call per unscored episode; then the 2 held-out episodes of iteration 1
    expect(again.evaluator.calls).toBe(unscored.length + 2);
    const after = finishedAt('evaluator-down', 'it1-rollouts');
    for (const [id, at] of Object.entries(stored)) if (!unscored.includes(id)) expect(after[id]).toBe(at);
  }, 60_000);

  it('a loop killed in labels, and one whose judge failed on an episode, relabel only what is missing', async () => {
    const ctrl = new AbortController();
    const first = setup('kill-labels', { signal: ctrl.signal, onStageStart: (i, s) => { if (i === 1 && s === 'labels') ctrl.abort(); } });
    await expect(selfPlay(first.options)).rejects.toThrow(/stopped/);
    expect(first.judge.calls).toBe(0);
    const rollouts = finishedAt('kill-labels', 'it1-rollouts');
    expect(Object.keys(rollouts)).toHaveLength(4);

    // the judge fails on the episodes of one scenario (the rent talk): the stage stops, the other labels are kept
    const rentIds = Object.keys(rollouts).filter((id) => id.startsWith('epo-task-rent-1'));
    expect(rentIds.length).toBeGreaterThan(0);
    const flaky = setup('kill-labels', {}, (prompt) => { if (/renew the lease/i.test(prompt)) throw new Error('judge endpoint down'); });
    await expect(selfPlay(flaky.options)).rejects.toThrow(new RegExp(`${rentIds.length} episodes could not be labelled`));
    const labelled = store('kill-labels', 'it1-rollouts', (s) => s.labelledIds(`judge:${JUDGE}`));
    expect(labelled.size).toBe(4 - rentIds.length);

    const again = setup('kill-labels');
    const r = await selfPlay(again.options);
    expect(r.state.iterations[1].done).toEqual({ rollouts: true, labels: true, dataset: true, train: true, eval: true });
    expect(again.judge.calls).toBe(rentIds.length * 2); // both seats of each missing episode, nothing else
    expect(again.actor.calls).toBe(2 * MAX_TURNS); // only the held-out episodes of iteration 1 were played
    expect(finishedAt('kill-labels', 'it1-rollouts')).toEqual(rollouts);
    expect(r.state.iterations[1].labels).toEqual({ labelled: 4, failed: 0 });
  }, 60_000);
});
