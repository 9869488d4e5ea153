/**
 * ALFWorld results: success (the game was won) overall and per task type, with Wilson 95% intervals. The reward of
 * an episode is 1 when won, else 0 (the reference stored a bool; we store a number).
 */
import type { Episode, Outcome, Turn } from '../core/episode.js';
import { commonMetrics, type CommonMetrics } from './common.js';
import { wilson, type Estimate } from './stats.js';

/** The six task types in the order papers report them, with their short names. */
export const ALFWORLD_TYPES: [string, string][] = [
  ['pick_and_place_simple', 'Pick'],
  ['pick_clean_then_place_in_recep', 'Clean'],
  ['pick_heat_then_place_in_recep', 'Heat'],
  ['pick_cool_then_place_in_recep', 'Cool'],
  ['look_at_obj_in_light', 'Look'],
  ['pick_two_obj_and_place', 'Pick Two'],
];

export function alfworldOutcome(turns: Turn[], reason: string): Outcome {
  const last = turns[turns.length - 1];
  const won = !!last && (last.info?.won === true || (last.done && last.reward > 0));
  return { reward: won ? 1 : 0, success: won, reason };
}

export interface AlfworldMetrics extends CommonMetrics {
  success: Estimate;
  byType: Record<string, Estimate>;
}

/** The task type of an episode: the stored task's `type`, else the game folder's prefix. */
export function alfworldType(e: Episode): string {
  const t = e.task.type;
  if (typeof t === 'string' && t) return t;
  const m = /(pick_and_place_simple|pick_clean_then_place_in_recep|pick_heat_then_place_in_recep|pick_cool_then_place_in_recep|look_at_obj_in_light|pick_two_obj_and_place)/.exec(`${e.task.gamefile ?? e.taskId}`);
  return m ? m[1] : 'unknown';
}

export function alfworldMetrics(es: readonly Episode[]): AlfworldMetrics {
  const byType: Record<string, Estimate> = {};
  const types = [...ALFWORLD_TYPES.map(([t]) => t), ...new Set(es.map(alfworldType))].filter((t, i, a) => a.indexOf(t) === i);
  for (const t of types) {
    const of = es.filter((e) => alfworldType(e) === t);
    if (of.length) byType[t] = wilson(of.filter((e) => e.outcome.success).length, of.length);
  }
  return { ...commonMetrics(es), success: wilson(es.filter((e) => e.outcome.success).length, es.length), byType };
}
