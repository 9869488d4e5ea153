/**
 * ALFWorld results: success (the game was won) overall and per task type, with Wilson 95% intervals. The reward of
 * an episode is 1 when won, else 0 (the reference stored a bool; we store a number).
 */
import type { Episode, Outcome, Turn } from '../core/episode.js';
import { REPORT_ORDER, taskTypeIn } from '../envs/alfworld/task-types.js';
import { commonMetrics, type CommonMetrics } from './common.js';
import { wilson, type Estimate } from './stats.js';

export function alfworldOutcome(turns: Turn[], reason: string): Outcome {
  const last = turns[turns.length - 1];
  const won = !!last && (last.info?.won === true || (last.done && last.reward > 0));
  return { reward: won ? 1 : 0, success: won, reason };
}

export interface AlfworldMetrics extends CommonMetrics {
  success: Estimate;
  byType: Record<string, Estimate>;
}

/** The task type of an episode: the stored task's `type`, else the one its game path names. */
export function alfworldType(e: Episode): string {
  const t = e.task.type;
  if (typeof t === 'string' && t) return t;
  return taskTypeIn(`${e.task.gamefile ?? e.taskId}`) ?? 'unknown';
}

export function alfworldMetrics(es: readonly Episode[]): AlfworldMetrics {
  const byType: Record<string, Estimate> = {};
  const types = [...REPORT_ORDER, ...new Set(es.map(alfworldType))].filter((t, i, a) => a.indexOf(t) === i);
  for (const t of types) {
    const of = es.filter((e) => alfworldType(e) === t);
    if (of.length) byType[t] = wilson(of.filter((e) => e.outcome.success).length, of.length);
  }
  return { ...commonMetrics(es), success: wilson(es.filter((e) => e.outcome.success).length, es.length), byType };
}
