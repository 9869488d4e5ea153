/**
 * Results of an environment brought by a user: success overall and per task type (the suite's `taskType`, stored
 * with each episode) with Wilson intervals, and the mean outcome reward with a t interval.
 */
import type { Episode } from '../core/episode.js';
import { commonMetrics, type CommonMetrics } from './common.js';
import { meanCI, wilson, type Estimate } from './stats.js';

export interface EnvMetrics extends CommonMetrics {
  success: Estimate;
  reward: Estimate;
  byType: Record<string, Estimate>;
}

const typeOf = (e: Episode): string | undefined => (typeof e.task.type === 'string' && e.task.type ? e.task.type : undefined);

/** `typeOrder`: report order of the types (others follow in order of appearance). */
export function envMetrics(es: readonly Episode[], typeOrder: readonly string[] = []): EnvMetrics {
  const byType: Record<string, Estimate> = {};
  const types = [...typeOrder, ...es.map(typeOf).filter((t): t is string => !!t)].filter((t, i, a) => a.indexOf(t) === i);
  for (const t of types) {
    const of = es.filter((e) => typeOf(e) === t);
    if (of.length) byType[t] = wilson(of.filter((e) => e.outcome.success).length, of.length);
  }
  return {
    ...commonMetrics(es),
    success: wilson(es.filter((e) => e.outcome.success).length, es.length),
    reward: meanCI(es.map((e) => e.outcome.reward)),
    byType,
  };
}
