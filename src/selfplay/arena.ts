/**
 * Where self-play episodes happen: the two stages of the loop that run episodes (rollouts on training tasks,
 * evaluation on held-out tasks) behind one small contract, so the driver (selfplay.ts) is the same for every
 * environment. ALFWorld and WebShop use `suiteArena` (the `evaluate()` suite path); SOTOPIA uses `sotopiaArena`
 * (two seats, both guided by the strategist, scored by the SOTOPIA evaluator).
 *
 * Both stages write into a sub-run store (`<runsRoot>/<run>/epo.sqlite`) and must resume: episodes already stored are
 * skipped, and everything an episode needs before labelling (its outcome) is in the store when the stage returns.
 */
import type { Logger } from '../core/log.js';
import { createRng, deriveSeed } from '../core/random.js';
import type { Estimate } from '../eval/stats.js';
import type { RoleModel } from '../rollout/episode.js';
import { RunStore } from '../store/run-store.js';

export interface ArenaStage {
  iteration: number;
  /** The strategist of this stage (with its sampling settings). */
  strategist: RoleModel;
  /** Sub-run name and the folder it lives in. */
  run: string;
  runsRoot: string;
  /** The loop's base seed: the arena derives per-stage seeds from it. */
  seed: number;
  signal?: AbortSignal;
  log: Logger;
  /** A progress line after each episode, with the episodes done (stored ones included) of the stage's total. */
  onProgress?(line: string, done?: number, total?: number): void;
}

export interface RolloutRecord {
  episodes: number;
  /** Fraction of successful episodes (SOTOPIA: goal ≥ 7 on the tested seats, a convenience only). */
  success: number;
  meanReward: number;
}

export interface EvalRecord {
  episodes: number;
  /** Successful episodes; in SOTOPIA (scores, not success) the episodes whose mean goal over both seats is ≥ 7, the
   *  convenience `outcome.success` of list views: the figure to read there is `rate`. */
  successes: number;
  /** The held-out figure in [0, 1] with its 95% interval: success rate (Wilson), or, with `metric: 'goal'`, the
   *  mean SOTOPIA goal / 10 over both seats of every episode (Student t over 2 × episodes values). */
  rate: Estimate;
  meanReward: number;
  /** What `rate` measures when it is not a success rate. */
  metric?: 'goal';
}

export interface Arena {
  env: string;
  /** Whether episodes record environment progress, so `--judge env` can label them. */
  envProgress: boolean;
  /** The values that must not change when a run resumes (models, tasks, limits), hashed into its fingerprint. */
  identity(common: Record<string, unknown>): unknown[];
  /** `episodes` training episodes (tasks × `trials`) with the stage's strategist, sampled per iteration. */
  rollouts(stage: ArenaStage & { episodes: number; trials: number }): Promise<RolloutRecord>;
  /** Every held-out task once (the same seeds in every iteration, so iterations are compared on the same draws). */
  evaluate(stage: ArenaStage): Promise<EvalRecord>;
}

/** The training tasks of iteration i: a seeded sample (without replacement while possible). */
export function iterationTasks<T>(tasks: readonly T[], count: number, seed: number, iteration: number): T[] {
  const order = createRng(deriveSeed(seed, 'selfplay-tasks', iteration)).shuffle([...tasks]);
  return Array.from({ length: Math.min(count, Math.max(order.length, count)) }, (_, i) => order[i % order.length]).slice(0, count);
}

/** Mean outcome reward of the episodes in a store. */
export function meanOutcome(storePath: string): number {
  const s = RunStore.open(storePath);
  try {
    let n = 0, sum = 0;
    for (const e of s.episodes()) { n++; sum += e.outcome.reward; }
    return n ? sum / n : 0;
  } finally { s.close(); }
}
