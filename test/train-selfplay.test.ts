/**
 * The self-play loop on a toy task with a micro built-in strategist (seconds): it improves, and a loop killed in any
 * stage resumes without redoing finished work.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/core/env.js';
import type { Suite } from '../src/eval/suite.js';
import { ruleActor } from '../src/agents/rule-actor.js';
import { initBackend, initModel, LocalChatModel, loadCheckpoint, makeConfig, saveCheckpoint, SPECIAL, SPECIAL_TOKENS, trainBpe } from '../src/model/index.js';
import { makeRule } from '../src/rewards/returns.js';
import { RunStore } from '../src/store/run-store.js';
import { selfPlay, STAGES, type SelfPlayOptions, type Stage } from '../src/selfplay/selfplay.js';
import { trainEpo } from '../src/train/trainer.js';
import { doorsSuite } from './helpers/doors.js';

const suite = (split: string, n: number): Suite<Task> => doorsSuite(split, n, `doors-${split}-${n}`);

let root: string;
let start: string;

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), 'epo-selfplay-'));
  const text = 'Two doors: left and right. Your task is to: pick the door. Thought: go left. Thought: go right. You win. You lose. Pick a door.';
  const tok = trainBpe([text], 300, SPECIAL_TOKENS);
  const model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 128 },
    { bos: tok.special(SPECIAL.bos), eos: [tok.special(SPECIAL.eot), tok.special(SPECIAL.eos)], pad: tok.special(SPECIAL.pad) }), 5);
  saveCheckpoint(join(root, 'random'), { model, tokenizer: tok });
  // The starting strategist: imitation of a 50/50 policy (plain SFT = EPO with all weights 1).
  const chat = (door: string) => [{ role: 'user' as const, content: 'Task:\nTwo doors: left and right. Your task is to: pick the door.' }, { role: 'assistant' as const, content: `Thought: go ${door}.` }];
  start = join(root, 'start');
  await trainEpo({
    init: join(root, 'random'), out: start, examples: Array.from({ length: 16 }, (_, i) => ({ id: `c${i}`, system: 'Pick a door.', messages: chat(i % 2 ? 'right' : 'left'), weights: [1] })),
    epochs: 20, lr: 1e-2, warmupRatio: 0, minLrRatio: 0, batchSize: 8, accum: 1, clip: 1, weightDecay: 0, klCoef: 0, advantages: 'signed', maxLen: 128, seed: 1, saveEvery: 1000,
  });
}, 60_000);

function options(run: string, extra: Partial<SelfPlayOptions> = {}): SelfPlayOptions {
  const models = new Map<string, LocalChatModel>();
  const actor = ruleActor();
  return {
    run, runsRoot: root, trainSuite: suite('train', 40), evalSuite: suite('eval', 40), strategist: `local:${start}`,
    actor: { model: actor, ref: { spec: actor.spec } },
    makeStrategist(spec, stage) {
      let m = models.get(spec);
      if (!m) { const dir = spec.slice('local:'.length); const ck = loadCheckpoint(dir); m = new LocalChatModel(spec, ck.model, ck.tokenizer, { maxTokens: 8 }); models.set(spec, m); }
      return { model: m, ref: { spec, temperature: stage === 'rollouts' ? 1 : 0.7, maxTokens: 8 } };
    },
    judge: 'env', rule: makeRule('reference'), iterations: 2, episodes: 24, window: 1,
    train: { epochs: 3, lr: 1e-2, batchSize: 4, warmupRatio: 0, saveEvery: 2, advantages: 'nonnegative' },
    concurrency: 8, showAdmissible: true, seed: 3, ...extra,
  };
}

describe('self-play on a toy task', () => {
  it('improves the strategist: held-out success rises over the iterations', async () => {
    const r = await selfPlay(options('improve'));
    const rates = r.state.iterations.map((it) => it.eval!.rate.mean);
    expect(r.state.iterations).toHaveLength(3);
    expect(r.state.iterations[1].train).toMatchObject({ steps: expect.any(Number) });
    expect(rates[2]).toBeGreaterThan(rates[0] + 0.2);
    expect(rates[2]).toBeGreaterThanOrEqual(0.8);
  }, 60_000);
});

/** What a finished stage leaves behind, to compare before and after a resume. */
function snapshot(run: string): Record<string, unknown> {
  const dir = join(root, run);
  const episodes = (sub: string) => {
    const p = join(dir, sub, 'epo.sqlite');
    if (!existsSync(p)) return {};
    const s = RunStore.open(p);
    try { return Object.fromEntries([...s.episodes()].map((e) => [e.id, e.finishedAt])); } finally { s.close(); }
  };
  const labels = () => {
    const p = join(dir, 'it1-rollouts', 'epo.sqlite');
    if (!existsSync(p)) return 0;
    const s = RunStore.open(p);
    try { return s.labelledIds('env').size; } finally { s.close(); }
  };
  const ck = join(dir, 'it1-checkpoint', 'trainer_state.json');
  return { it0: episodes('it0-eval'), rollouts: episodes('it1-rollouts'), labels: labels(), trainStep: existsSync(ck) ? JSON.parse(readFileSync(ck, 'utf8')).step : 0, eval1: episodes('it1-eval') };
}

describe('kill and resume', () => {
  for (const stage of STAGES) {
    it(`a loop killed in ${stage} finishes on re-run without redoing finished work`, async () => {
      const run = `kill-${stage}`;
      const ctrl = new AbortController();
      const o = options(run, { iterations: 1, episodes: 16, signal: ctrl.signal });
      // kill in the middle of episode stages and training (after some work), at the start of the others
      const mid: Stage[] = ['rollouts', 'eval', 'train'];
      let seen = 0;
      await expect(selfPlay({
        ...o,
        onStageStart: (i, s) => { if (i === 1 && s === stage && !mid.includes(stage)) ctrl.abort(); },
        onEvent: (i, s) => { if (i === 1 && s === stage && mid.includes(stage) && ++seen === 5) ctrl.abort(); },
        log: { debug() {}, warn() {}, error() {}, info: (m: string) => { if (stage === 'train' && m.startsWith('step 3/')) ctrl.abort(); }, child() { return this; } },
      })).rejects.toThrow(/stopped/);
      const before = snapshot(run);
      const r = await selfPlay(options(run, { iterations: 1, episodes: 16 }));
      const after = snapshot(run);
      expect(r.state.iterations[1].done).toEqual({ rollouts: true, labels: true, dataset: true, train: true, eval: true });
      // every episode stored before the kill is still the same record (not replayed)
      for (const key of ['it0', 'rollouts', 'eval1'] as const) {
        const b = before[key] as Record<string, string>, a = after[key] as Record<string, string>;
        for (const [id, at] of Object.entries(b)) expect(a[id]).toBe(at);
      }
      expect(Object.keys(after.rollouts as object)).toHaveLength(16);
      if (stage === 'rollouts') expect(Object.keys(before.rollouts as object).length).toBeGreaterThan(0);
      if (stage === 'eval') expect(Object.keys(before.eval1 as object).length).toBeGreaterThan(0);
      if (stage === 'train') {
        expect(before.trainStep).toBe(2);
        const state = JSON.parse(readFileSync(join(root, run, 'it1-checkpoint', 'trainer_state.json'), 'utf8'));
        expect(state.history.map((h: { step: number }) => h.step)).toEqual(Array.from({ length: state.step }, (_, i) => i + 1));
      }
    }, 60_000);
  }
});

describe('reports and tracking', () => {
  it('writes summary.json and report.html, and reports training steps across iterations, iteration figures and sample trajectories', async () => {
    const dir = join(root, 'tracked');
    const { jsonlTracker } = await import('../src/track/jsonl.js');
    const { tensorboardTracker } = await import('../src/track/tensorboard.js');
    const { fanOut } = await import('../src/track/tracker.js');
    const { readEvents } = await import('./track/tb-reader.js');
    const tracker = fanOut([jsonlTracker(dir), tensorboardTracker(dir)]);
    const r = await selfPlay(options('tracked', { tracker, samples: 2 }));
    await tracker.close();

    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ run: 'tracked', env: 'doors', metric: 'success', waiting: false, models: { strategist: `local:${start}`, actor: 'scripted:rule-actor' } });
    expect(summary.rows.map((x: { iteration: number; episodes: number }) => [x.iteration, x.episodes])).toEqual([[0, 40], [1, 40], [2, 40]]);
    expect(summary.rows[1].train.steps).toBe((r.state.iterations[1].train as { steps: number }).steps);
    expect(summary.improvement.difference).toBeCloseTo(r.state.iterations[2].eval!.rate.mean - r.state.iterations[0].eval!.rate.mean, 10);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('EPO self-play on doors');
    expect(html.match(/<tr><td>\d/g)).toHaveLength(3);

    const records = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const steps1 = (r.state.iterations[1].train as { steps: number }).steps, steps2 = (r.state.iterations[2].train as { steps: number }).steps;
    const lossSteps = records.filter((x) => x.name === 'train/loss').map((x) => x.step);
    expect(lossSteps).toEqual(Array.from({ length: steps1 + steps2 }, (_, k) => k + 1)); // numbered across iterations
    expect(records.filter((x) => x.name === 'eval/success').map((x) => [x.step, x.value])).toEqual(r.state.iterations.map((it) => [it.iteration, it.eval!.rate.mean]));
    expect(records.filter((x) => x.name === 'rollouts/success').map((x) => x.step)).toEqual([1, 2]);
    const tables = records.filter((x) => x.kind === 'table');
    expect(tables.map((x) => [x.name, x.step, x.rows.length])).toEqual([['eval/samples', 0, 2], ['eval/samples', 1, 2], ['eval/samples', 2, 2]]);
    expect(tables[0].rows[0]).toMatchObject({ id: 'eval-0#0', task: 'eval-0', turns: 1 });

    const { readdirSync } = await import('node:fs');
    const file = readdirSync(dir).find((f) => f.startsWith('events.out.tfevents.'))!;
    const events = readEvents(readFileSync(join(dir, file)));
    const tb = events.flatMap((e) => e.values.map((v) => [v.tag, e.step, v.simple ?? v.text]));
    expect(tb.filter(([t]) => t === 'train/loss').map(([, s]) => s)).toEqual(lossSteps);
    expect(tb.filter(([t]) => t === 'eval/success').map(([, s, v]) => [s, v])).toEqual(r.state.iterations.map((it) => [it.iteration, Math.fround(it.eval!.rate.mean)]));
    expect(String(tb.find(([t]) => t === 'eval/samples')![2])).toMatch(/^\| id \| task \| success \|/);
  }, 120_000);
});
