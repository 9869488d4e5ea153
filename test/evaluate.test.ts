import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alfworldPrompts } from '../src/agents/prompts/alfworld.js';
import { strategistChat } from '../src/core/episode.js';
import { scriptedModel } from '../src/llm/scripted.js';
import type { CompletionRequest } from '../src/llm/model.js';
import { alfworldOutcome } from '../src/eval/alfworld.js';
import { evaluate, summariseRun } from '../src/eval/evaluate.js';
import { formatTable, summaryJson } from '../src/eval/report.js';
import type { Suite } from '../src/eval/suite.js';
import { parseShard } from '../src/rollout/scheduler.js';
import { mergeRuns } from '../src/store/merge.js';
import { RunStore } from '../src/store/run-store.js';
import { FakeEnv, fakeTask, type FakeTask } from './helpers/fake-env.js';

const root = mkdtempSync(join(tmpdir(), 'epo-eval-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tasks = [...[0, 1, 2, 3].map((i) => fakeTask(i)), ...[4, 5].map((i) => fakeTask(i, 'look_at_obj_in_light'))];
const suite: Suite<FakeTask> = {
  env: 'alfworld', split: 'fake', dataVersion: 'fake-1', tasks, prompts: alfworldPrompts, maxSteps: 6,
  makeEnv: () => new FakeEnv(), exampleName: 'none', outcome: alfworldOutcome, taskRecord: (t) => ({ id: t.id, type: t.type }),
};
const taskOf = (req: CompletionRequest) => tasks.find((t) => req.messages.some((m) => m.content.includes(`shelf ${t.id.split('-').pop()} and box`)))!;
const steps = (req: CompletionRequest) => req.messages.filter((m) => m.role === 'user' && /^(Actor's action|Observation):/.test(m.content)).length;
/** Plays the walkthrough; the look tasks' actor fails on purpose (so per-type figures differ). */
const models = () => ({
  strategist: { model: scriptedModel((r) => `Thought: do ${taskOf(r).walkthrough[steps(r)]}`), ref: { spec: 'scripted:s', temperature: 0.5 } },
  actor: { model: scriptedModel((r) => (taskOf(r).type === 'look_at_obj_in_light' ? 'Action: look' : `Action: ${taskOf(r).walkthrough[steps(r)]}`)), ref: { spec: 'scripted:a' } },
});

describe('evaluate', () => {
  it('runs every task, stores episodes and summarises per type', async () => {
    const m = models();
    const { summary, stats } = await evaluate({ suite, run: 'full', runsRoot: root, mode: 'epo', ...m, concurrency: 3 });
    expect(stats).toMatchObject({ total: 6, finished: 6, failed: 0, skipped: 0 });
    const a = summary.metrics as import('../src/eval/alfworld.js').AlfworldMetrics;
    expect(a.success.mean).toBeCloseTo(4 / 6);
    expect(a.byType.pick_and_place_simple.mean).toBe(1);
    expect(a.byType.look_at_obj_in_light).toMatchObject({ n: 2, mean: 0 });
    expect(a.reasons).toEqual({ done: 4, max_steps: 2 });
    expect(a.steps.mean).toBeCloseTo((4 * 3 + 2 * 6) / 6);
    const table = formatTable(summary);
    expect(table).toContain('success %');
    expect(table).toMatch(/ {2}Pick +100\.0 \[51\.0, 100\.0\] +4\/4/);
    expect(table).toMatch(/ {2}Look +0\.0 \[0\.0, 65\.8\] +0\/2/);
    expect(JSON.parse(summaryJson(summary)).protocol).toMatchObject({ env: 'alfworld', split: 'fake', taskCount: 6, mode: 'epo', seed: 0, maxSteps: 6,
      models: { strategist: { spec: 'scripted:s', temperature: 0.5 }, actor: { spec: 'scripted:a' } } });
    const store = RunStore.open(join(root, 'full', 'epo.sqlite'));
    for (const e of store.episodes()) expect(strategistChat(e).filter((x) => x.role === 'assistant')).toHaveLength(e.turns.length);
    store.close();
  });

  it('resumes after an interruption without redoing finished episodes', async () => {
    const ctrl = new AbortController();
    let stored = 0;
    const first = await evaluate({ suite, run: 'resume', runsRoot: root, mode: 'epo', ...models(), concurrency: 1, signal: ctrl.signal,
      onProgress: (_l, done) => { stored = done; if (done === 2) ctrl.abort(new Error('interrupted')); } });
    expect(first.stats.finished).toBe(2);
    expect(stored).toBe(2);
    const store = RunStore.open(first.storePath);
    const before = new Map([...store.episodes()].map((e) => [e.id, e.finishedAt]));
    store.close();
    const m = models();
    const second = await evaluate({ suite, run: 'resume', runsRoot: root, mode: 'epo', ...m, concurrency: 2 });
    expect(second.stats).toMatchObject({ skipped: 2, finished: 4 });
    const after = RunStore.open(first.storePath);
    for (const [id, at] of before) expect(after.getEpisode(id)!.finishedAt).toBe(at);
    expect(after.countEpisodes()).toBe(6);
    after.close();
    // the first two tasks were not asked again: only 4 episodes' worth of strategist calls (3 + 3 + 6 + 6)
    expect(m.strategist.model.calls).toHaveLength(3 + 3 + 6 + 6);
  });

  it('refuses to resume a run under another protocol', async () => {
    await expect(evaluate({ suite, run: 'full', runsRoot: root, mode: 'epo', ...models(), concurrency: 1, maxSteps: 9 }))
      .rejects.toThrow(/was started with maxSteps = 6, not 9/);
  });

  it('runs shards and merges them into one run', async () => {
    for (const s of ['0/2', '1/2']) await evaluate({ suite, run: `shard${s[0]}`, runsRoot: root, mode: 'epo', ...models(), concurrency: 2, shard: parseShard(s) });
    const r = mergeRuns('merged', ['shard0', 'shard1'], root);
    expect(r).toEqual({ episodes: 6, duplicates: 0, perSource: { shard0: 3, shard1: 3 } });
    const s = summariseRun('merged', root);
    expect(s.episodes).toBe(6);
    expect(s.metrics.success.mean).toBeCloseTo(4 / 6);
    expect(s.protocol.shard).toBeUndefined();
    const merged = RunStore.open(join(root, 'merged', 'epo.sqlite'));
    expect(merged.allMeta()).toMatchObject({ kind: 'eval', protocol: { mergedFrom: ['shard0', 'shard1'], maxSteps: 6 } });
    merged.close();
    expect(() => mergeRuns('merged2', ['shard0', 'full'], root)).not.toThrow();
    expect(mergeRuns('merged2', ['shard1'], root).duplicates).toBe(3);
  });
});
