/**
 * Synthetic runs for the viewer's tests and bench, written through RunStore as the commands write them: ALFWorld-
 * shaped evaluations with process labels, a SOTOPIA run, and a self-play run with its stage sub-runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Episode, Turn } from '../../src/core/episode.js';
import type { Label } from '../../src/core/label.js';
import { REPORT_ORDER } from '../../src/envs/alfworld/task-types.js';
import { RunStore } from '../../src/store/run-store.js';

const MODELS = { strategist: { spec: 'scripted:strategist', temperature: 0.7 }, actor: { spec: 'scripted:actor', temperature: 0 } };

/** Deterministic pseudo-random in [0, 1) from integers. */
const hash01 = (...xs: number[]) => {
  let h = 2166136261;
  for (const x of xs) { h ^= x; h = Math.imul(h, 16777619); h ^= h >>> 13; }
  return ((h >>> 0) % 100000) / 100000;
};

export interface AlfOptions {
  run: string;
  /** Probability of success for this run (another run of the same tasks differs by it). */
  skill?: number;
  turns?: number;
}

export function alfEpisode(task: number, trial: number, o: AlfOptions): Episode {
  const type = REPORT_ORDER[task % REPORT_ORDER.length];
  const success = hash01(task, trial, Math.round((o.skill ?? 0.6) * 1000)) < (o.skill ?? 0.6);
  const T = o.turns ?? 3 + (task % 4);
  const system = { role: 'system' as const, content: 'You are the strategist. Give one short strategy per turn.' };
  const history: { role: 'user' | 'assistant'; content: string }[] = [];
  const turns: Turn[] = Array.from({ length: T }, (_, t) => {
    const strategy = `Strategy ${t}: look for the ${type.split('_')[1]} near cabinet ${t + 1}`;
    history.push({ role: 'user', content: `Observation ${t}: you see cabinet ${t + 1}.` });
    const input = [system, ...history];
    history.push({ role: 'assistant', content: strategy });
    const last = t === T - 1;
    return {
      index: t,
      strategist: { input: [...input], output: strategy, usage: { promptTokens: 120 + 30 * t, completionTokens: 20, costUsd: 0.0002 } },
      actor: { input: [{ role: 'user', content: `obs ${t}` }], output: `Think: follow the strategy.\nAction: go to cabinet ${t + 1}`, usage: { promptTokens: 200, completionTokens: 12, costUsd: 0.0001 } },
      action: `go to cabinet ${t + 1}`,
      observation: last && success ? `You put the object in cabinet ${t + 1}. You won!` : `You arrive at cabinet ${t + 1}. On the cabinet ${t + 1}, you see a mug ${t}.`,
      reward: last && success ? 1 : 0,
      done: last,
    };
  });
  const id = `alf-${String(task).padStart(5, '0')}`;
  return {
    id: `${id}#${trial}`, run: o.run, env: 'alfworld', taskId: id, trial, seed: task * 100 + trial, models: MODELS, codeVersion: 'test', dataVersion: 'v-test',
    task: { id, type, gamefile: `json_2.1.1/valid_unseen/${type}-Mug-None-Cabinet-${task}/trial_1`, instruction: `put a mug in cabinet (task ${task})` },
    initialObservation: `-= Welcome to TextWorld, ALFRED! =-\nYour task is to: put a mug in cabinet. (task ${task})`,
    turns, outcome: { reward: success ? 1 : 0, success, reason: success ? 'done' : task % 17 === 3 ? 'error' : 'max_steps' },
    ...(task % 17 === 3 && !success ? { error: 'MODEL_TIMEOUT: the actor did not answer within 60 s' } : {}),
    startedAt: '2026-12-01T10:00:00.000Z', finishedAt: `2026-12-01T10:${String(task % 60).padStart(2, '0')}:00.000Z`,
  };
}

/** A judge label: rewards per strategist turn; the second-to-last turn critical on successes. */
export function alfLabel(e: Episode, labeler = 'judge:scripted:judge'): Label {
  const T = e.turns.length;
  return {
    labeler, rewards: e.turns.map((_, t) => (e.outcome.success ? (t + 1) / T : 0.1 * t)),
    critical: e.outcome.success ? [Math.max(0, T - 2)] : [], reasoning: `Turn ${Math.max(0, T - 2)} found the right place <b>early</b>.`,
  };
}

export function writeAlfRun(root: string, run: string, o: { tasks: number; trials?: number; skill?: number; labels?: boolean; protocol?: boolean; turns?: number }): void {
  const dir = join(root, run);
  const store = RunStore.open(join(dir, 'epo.sqlite'));
  try {
    const trials = o.trials ?? 1;
    if (o.protocol !== false) {
      store.setMeta('protocol', { env: 'alfworld', dataVersion: 'v-test', split: 'valid_unseen', taskCount: o.tasks, trials, mode: 'strategist', models: MODELS, seed: 1, maxSteps: 30, showAdmissible: false, example: 'reference', codeVersion: 'test' });
    }
    const batch: Episode[] = [];
    const flush = () => { store.putEpisodes(batch); batch.length = 0; };
    for (let trial = 0; trial < trials; trial++) {
      for (let t = 0; t < o.tasks; t++) {
        batch.push(alfEpisode(t, trial, { run, skill: o.skill, turns: o.turns }));
        if (batch.length >= 500) flush();
      }
    }
    flush();
    if (o.labels !== false) {
      for (const e of store.episodes()) store.putLabel(e.id, alfLabel(e));
    }
    writeFileSync(join(dir, 'config.yaml'), `# resolved config\nenv: alfworld\nsplit: valid_unseen\ntasks: ${o.tasks}\n`);
  } finally { store.close(); }
}

const DIMS = ['believability', 'relationship', 'knowledge', 'secret', 'social_rules', 'financial_and_material_benefits', 'goal'];

export function sotopiaEpisode(task: number, run: string): Episode {
  const names = ['Ava Martinez', 'Noah <Script> Kim'];
  const turns: Turn[] = Array.from({ length: 6 }, (_, t) => {
    const seat = t % 2;
    const strategy = `Seat ${seat} strategy ${t}: ask about the deadline politely`;
    return {
      index: t, seat,
      strategist: { input: [{ role: 'user', content: `context ${seat}` }], output: strategy, usage: { promptTokens: 300, completionTokens: 30 } },
      actor: { input: [{ role: 'user', content: 'scene' }], output: `{"action_type":"speak","argument":"Turn ${t} from ${names[seat]}"}`, usage: { promptTokens: 400, completionTokens: 25 } },
      action: `said: "Turn ${t}: could we move the deadline to Friday?"`, observation: `${names[seat]} said: "Turn ${t}: could we move the deadline to Friday?"`,
      reward: 0, done: t === 5, info: { strategy },
    };
  });
  const seat = (k: number) => ({
    character: names[k],
    scores: { ...Object.fromEntries(DIMS.map((d, i) => [d, d === 'goal' ? 6 + k + (task % 3) : i % 3])), overall: 2.5 + k } as Record<string, number>,
    reasoning: Object.fromEntries(DIMS.map((d) => [d, `${names[k]} on ${d}: reasoned about it.`])) as Record<string, string>,
  });
  const goal0 = 6 + (task % 3);
  return {
    id: `sot-${task}.self#0`, run, env: 'sotopia', taskId: `sot-${task}.self`, trial: 0, seed: task, models: { ...MODELS, evaluator: { spec: 'scripted:evaluator' } },
    codeVersion: 'test', task: { codename: `deadline_${task}`, relationship: 'coworkers' }, initialObservation: 'Scenario: two coworkers negotiate a deadline.',
    turns, outcome: { reward: goal0 / 10, success: goal0 >= 7, reason: 'max_turns' },
    evaluation: { evaluator: 'scripted:evaluator', ok: true, testSeats: [0, 1], seats: [seat(0), seat(1)] },
    startedAt: '2026-12-02T10:00:00.000Z', finishedAt: '2026-12-02T10:05:00.000Z',
  };
}

export function writeSotopiaRun(root: string, run: string, n: number): void {
  const store = RunStore.open(join(root, run, 'epo.sqlite'));
  try {
    store.setMeta('sotopia', { env: 'sotopia', mode: 'self-play', taskSet: 'all', models: { ...MODELS, evaluator: { spec: 'scripted:evaluator' } }, seed: 1 });
    store.putEpisodes(Array.from({ length: n }, (_, i) => sotopiaEpisode(i, run)));
  } finally { store.close(); }
}

/** A finished two-iteration self-play run: its record, the stage sub-runs and the trainer states with loss histories. */
export function writeSelfplayRun(root: string, run: string): void {
  const dir = join(root, run);
  mkdirSync(dir, { recursive: true });
  for (const [sub, skill, labels] of [['it0-eval', 0.3, false], ['it1-rollouts', 0.4, true], ['it1-eval', 0.5, false], ['it2-rollouts', 0.55, true], ['it2-eval', 0.7, false]] as const) {
    writeAlfRun(dir, sub, { tasks: 12, skill, labels, protocol: false });
  }
  for (const i of [1, 2]) {
    mkdirSync(join(dir, `it${i}-checkpoint`), { recursive: true });
    writeFileSync(join(dir, `it${i}-checkpoint`, 'trainer_state.json'), JSON.stringify({ step: 10, history: Array.from({ length: 10 }, (_, s) => ({ step: s + 1, loss: 2 / (s + 1 + 5 * (i - 1)) + 0.1, lr: 1e-4 })) }));
  }
  const est = (mean: number, n = 12) => ({ n, mean, lo: Math.max(0, mean - 0.25), hi: Math.min(1, mean + 0.25) });
  const store = RunStore.open(join(dir, 'epo.sqlite'));
  try {
    store.setMeta('selfplay', {
      fingerprint: 'f', codeVersion: 'test', iterations: [
        { iteration: 0, strategist: 'local:base', done: { eval: true }, eval: { episodes: 12, successes: 4, rate: est(4 / 12), meanReward: 4 / 12 }, seconds: { eval: 3 } },
        ...[1, 2].map((i) => ({
          iteration: i, strategist: `local:${dir}/it${i}-checkpoint`, done: { rollouts: true, labels: true, dataset: true, train: true, eval: true },
          rollouts: { episodes: 12, success: 0.4 + 0.15 * (i - 1), meanReward: 0.4 }, labels: { labelled: 12, failed: 0 },
          dataset: { examples: 12, path: join(dir, `it${i}-dataset`), weights: { min: -0.2, max: 1, mean: 0.31 } },
          train: { checkpoint: join(dir, `it${i}-checkpoint`), steps: 10, finalLoss: 0.25, tokensPerSecond: 900 },
          eval: { episodes: 12, successes: 6 + 2 * (i - 1), rate: est((6 + 2 * (i - 1)) / 12), meanReward: 0.5 }, seconds: { rollouts: 4, labels: 1, dataset: 1, train: 9, eval: 3 },
        })),
      ],
    });
  } finally { store.close(); }
  writeFileSync(join(dir, 'config.yaml'), 'iterations: 2\nrule: reference\n');
}
