/**
 * The summary of a self-play run (`summary.json` in its folder): one row per evaluated iteration with the held-out
 * figure and its 95% interval, the rollouts, the dataset's weights, training, and time per stage; the change from the
 * first to the last evaluation with its interval. Built from the loop's state alone (a pure function).
 */
import type { Estimate } from '../eval/stats.js';
import type { IterationRecord, SelfPlayState } from './selfplay.js';

export interface SelfPlayRow {
  iteration: number;
  strategist: string;
  /** Held-out episodes, successes, and the figure in [0, 1] (success rate, or goal/10 for SOTOPIA) with its interval. */
  episodes: number;
  successes: number;
  rate: Estimate;
  rollouts?: IterationRecord['rollouts'];
  weights?: { min: number; max: number; mean: number };
  train?: { steps: number; finalLoss: number };
  seconds: IterationRecord['seconds'];
}

export interface SelfPlaySummary {
  run: string;
  env: string;
  /** What `rate` measures: the success rate, or the mean SOTOPIA goal / 10 over both seats. */
  metric: 'success' | 'goal';
  /** The loop stopped to wait for a checkpoint trained outside (re-run with --next). */
  waiting: boolean;
  models: { strategist: string; actor?: string };
  rows: SelfPlayRow[];
  /** Last minus first evaluation; the interval combines the two intervals (Newcombe's method for proportions). */
  improvement: { from: number; to: number; difference: number; lo: number; hi: number };
  /** Seconds spent in the loop's stages, summed. */
  stageSeconds: number;
  codeVersion: string;
}

/** b − a with a 95% interval from the two estimates' intervals (Newcombe's hybrid method when they are Wilson). */
export function differenceOf(a: Estimate, b: Estimate): SelfPlaySummary['improvement'] {
  const d = b.mean - a.mean;
  return {
    from: a.mean, to: b.mean, difference: d,
    lo: d - Math.sqrt((b.mean - b.lo) ** 2 + (a.hi - a.mean) ** 2),
    hi: d + Math.sqrt((b.hi - b.mean) ** 2 + (a.mean - a.lo) ** 2),
  };
}

export function summariseSelfPlay(state: SelfPlayState, o: { run: string; env: string; waiting: boolean; strategist: string; actor?: string }): SelfPlaySummary {
  const rows: SelfPlayRow[] = state.iterations.filter((r) => r.eval).map((r) => ({
    iteration: r.iteration, strategist: r.strategist ?? '', episodes: r.eval!.episodes, successes: r.eval!.successes, rate: r.eval!.rate,
    ...(r.rollouts ? { rollouts: r.rollouts } : {}),
    ...(r.dataset ? { weights: r.dataset.weights } : {}),
    ...(r.train && 'steps' in r.train ? { train: { steps: r.train.steps, finalLoss: r.train.finalLoss } } : {}),
    seconds: r.seconds,
  }));
  const first = rows[0], last = rows[rows.length - 1];
  const goal = state.iterations.some((r) => r.eval?.metric === 'goal');
  return {
    run: o.run, env: o.env, metric: goal ? 'goal' : 'success', waiting: o.waiting, models: { strategist: o.strategist, ...(o.actor ? { actor: o.actor } : {}) }, rows,
    improvement: first && last ? differenceOf(first.rate, last.rate) : { from: NaN, to: NaN, difference: NaN, lo: NaN, hi: NaN },
    stageSeconds: state.iterations.reduce((a, r) => a + Object.values(r.seconds).reduce((x, y) => x + (y ?? 0), 0), 0),
    codeVersion: state.codeVersion,
  };
}
