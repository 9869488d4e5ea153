/**
 * WebShop results: average reward (×100 is the usual score) with a t interval, and success rate = share of episodes
 * with reward exactly 1.0 (Wilson interval). Buying something is not success (the reference's definition was).
 */
import type { Episode, Outcome, Turn } from '../core/episode.js';
import { commonMetrics, type CommonMetrics } from './common.js';
import { meanCI, wilson, type Estimate } from './stats.js';

/** Rewards are ratios of small integers times r_type ∈ {0, 0.1, 0.5, 1}; 1.0 is exact up to rounding. */
export const isPerfect = (reward: number): boolean => Math.abs(reward - 1) < 1e-9;

export function webshopOutcome(turns: Turn[], reason: string): Outcome {
  const last = turns[turns.length - 1];
  const bought = !!last && last.done;
  const reward = bought ? last.reward : 0;
  return { reward, success: isPerfect(reward), reason, bought };
}

export interface WebshopMetrics extends CommonMetrics {
  reward: Estimate;
  success: Estimate;
  bought: Estimate;
}

export function webshopMetrics(es: readonly Episode[]): WebshopMetrics {
  const n = es.length;
  return {
    ...commonMetrics(es),
    reward: meanCI(es.map((e) => e.outcome.reward)),
    success: wilson(es.filter((e) => isPerfect(e.outcome.reward)).length, n),
    bought: wilson(es.filter((e) => e.outcome.bought === true).length, n),
  };
}
