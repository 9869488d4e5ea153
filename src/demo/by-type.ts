/**
 * Held-out success per task type: which of the demo's task types the loop improves (the mix hides it). Pure
 * functions over stored episodes (their `task.type`) and a short text table for the terminal.
 */
import type { Episode } from '../core/episode.js';

/** Successes and episodes of one task type. */
export interface TypeCount { successes: number; episodes: number }

/** Count successes per task type (episodes without a type count under "other"), types in name order. */
export function successByType(episodes: Iterable<{ task: Episode['task']; outcome: Pick<Episode['outcome'], 'success'> }>): Record<string, TypeCount> {
  const by: Record<string, TypeCount> = {};
  for (const e of episodes) {
    const type = typeof e.task.type === 'string' && e.task.type ? e.task.type : 'other';
    const c = (by[type] ??= { successes: 0, episodes: 0 });
    c.episodes++;
    if (e.outcome.success) c.successes++;
  }
  return Object.fromEntries(Object.keys(by).sort().map((t) => [t, by[t]]));
}

/** The short name of a task type in tables: its first word after "pick_" (put, clean, heat, cool, look, two). */
export function typeLabel(type: string): string {
  const known: Record<string, string> = { pick_and_place_simple: 'put', look_at_obj_in_light: 'look', pick_two_obj_and_place: 'two' };
  return known[type] ?? /^pick_([a-z]+)_then/.exec(type)?.[1] ?? type;
}

/** One line per iteration: `success per type: put 12/33, clean 5/33, look 20/34` (empty without breakdowns). */
export function formatByType(rows: readonly { iteration: number; byType?: Record<string, TypeCount> }[]): string[] {
  const withTypes = rows.filter((r) => r.byType && Object.keys(r.byType).length);
  if (!withTypes.length) return [];
  return ['success per task type:', ...withTypes.map((r) => `  ${String(r.iteration).padEnd(9)}${Object.entries(r.byType!).map(([t, c]) => `${typeLabel(t)} ${c.successes}/${c.episodes}`).join(', ')}`)];
}
