/**
 * The A/B report of a proxy run: per arm, the sessions closed with a reported outcome, their success rate (Wilson 95%
 * interval) and mean reward (t interval); and B − A for both: the success-rate difference with Newcombe's hybrid score
 * interval (method 10 of Newcombe 1998, built from the two Wilson intervals; good coverage at small n and near 0/1),
 * the mean-reward difference with a normal (Welch) interval. Sessions closed by idleness or shutdown carry no outcome
 * and are only counted.
 */
import type { Episode } from '../../core/episode.js';
import { formatEstimate, meanCI, wilson, type Estimate } from '../../eval/stats.js';
import { PROXY_ENV } from './episode.js';

const Z95 = 1.959963984540054;

export interface ArmReport {
  arm: string;
  strategist: string;
  sessions: number;
  withOutcome: number;
  success: Estimate;
  reward: Estimate;
}

export interface AbReport {
  arms: ArmReport[];
  /** B − A, when both arms have sessions with outcomes. */
  successDiff?: Estimate;
  rewardDiff?: Estimate;
}

/** Newcombe's hybrid score interval of p2 − p1 from k/n successes in each group. */
export function newcombeDiff(k1: number, n1: number, k2: number, n2: number): Estimate {
  const a = wilson(k1, n1), b = wilson(k2, n2);
  const d = b.mean - a.mean;
  return { n: n1 + n2, mean: d, lo: d - Math.sqrt((b.mean - b.lo) ** 2 + (a.hi - a.mean) ** 2), hi: d + Math.sqrt((b.hi - b.mean) ** 2 + (a.mean - a.lo) ** 2) };
}

/** Difference of two means with a normal-approximation (Welch) 95% interval. */
export function meanDiff(xs: readonly number[], ys: readonly number[]): Estimate {
  const m = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const variance = (v: readonly number[], mu: number) => v.reduce((s, x) => s + (x - mu) ** 2, 0) / (v.length - 1);
  if (xs.length < 2 || ys.length < 2) return { n: xs.length + ys.length, mean: xs.length && ys.length ? m(ys) - m(xs) : NaN, lo: NaN, hi: NaN };
  const mx = m(xs), my = m(ys);
  const half = Z95 * Math.sqrt(variance(xs, mx) / xs.length + variance(ys, my) / ys.length);
  return { n: xs.length + ys.length, mean: my - mx, lo: my - mx - half, hi: my - mx + half };
}

export function abReport(episodes: Iterable<Episode>): AbReport {
  const by = new Map<string, { strategist: string; sessions: number; rewards: number[]; wins: number }>();
  for (const e of episodes) {
    if (e.env !== PROXY_ENV) continue;
    const arm = typeof e.task.arm === 'string' ? e.task.arm : 'A';
    const g = by.get(arm) ?? { strategist: e.models.strategist?.spec ?? '?', sessions: 0, rewards: [], wins: 0 };
    g.sessions++;
    if (e.outcome.reason === 'outcome') { g.rewards.push(e.outcome.reward); if (e.outcome.success) g.wins++; }
    by.set(arm, g);
  }
  const arms = [...by].sort(([a], [b]) => a.localeCompare(b)).map(([arm, g]): ArmReport => ({
    arm, strategist: g.strategist, sessions: g.sessions, withOutcome: g.rewards.length, success: wilson(g.wins, g.rewards.length), reward: meanCI(g.rewards),
  }));
  const a = by.get('A'), b = by.get('B');
  if (!a || !b || !a.rewards.length || !b.rewards.length) return { arms };
  return { arms, successDiff: newcombeDiff(a.wins, a.rewards.length, b.wins, b.rewards.length), rewardDiff: meanDiff(a.rewards, b.rewards) };
}

export function formatAbReport(r: AbReport, run: string): string {
  const lines = [`proxy run ${run}: sessions per strategist (95% intervals; only sessions closed with a reported outcome count)`];
  lines.push('arm  sessions  outcomes  success %            mean reward            strategist');
  for (const a of r.arms) {
    lines.push(`${a.arm.padEnd(4)} ${String(a.sessions).padStart(8)}  ${String(a.withOutcome).padStart(8)}  ${formatEstimate(a.success, 100).padEnd(19)}  ${formatEstimate(a.reward, 1, 3).padEnd(21)}  ${a.strategist}`);
  }
  if (r.successDiff && r.rewardDiff) {
    lines.push(`B − A success rate: ${formatEstimate(r.successDiff, 100)} points (Newcombe hybrid score interval)`);
    lines.push(`B − A mean reward:  ${formatEstimate(r.rewardDiff, 1, 3)} (normal approximation, Welch)`);
  } else if (r.arms.length > 1) {
    lines.push('B − A: needs sessions with outcomes in both arms');
  }
  return `${lines.join('\n')}\n`;
}
