/**
 * Task lists over a world's goals. `synthetic` and `human` list every goal in the reference's order (a task's
 * `goalIndex` is the reference's index). `test`/`train` are the reference's index lists into the human goals in the
 * full setting; in the small setting they are the documented seeded split of synthetic goals (see goals.ts).
 */
import { EpoError } from '../../core/errors.js';
import type { WebShopTask } from './env.js';
import type { GoalList } from './goals.js';
import type { Goal } from './types.js';
import type { WebShopWorld } from './world.js';

export type WebShopSplit = 'test' | 'train' | 'synthetic' | 'human';

function task(kind: 'synthetic' | 'human', split: string, goalIndex: number, goal: Goal): WebShopTask {
  return { id: `webshop/${kind}/${goalIndex}`, env: 'webshop', split, type: goal.category || undefined, instruction: goal.instruction_text, goalIndex, goal };
}

export function webshopTasks(world: WebShopWorld, opts: { split: WebShopSplit; limit?: number }): WebShopTask[] {
  const { split } = opts;
  let out: WebShopTask[];
  const limit = opts.limit ?? Infinity;
  const all = (kind: 'synthetic' | 'human', goals: GoalList) =>
    Array.from({ length: Math.min(limit, goals.length) }, (_, i) => task(kind, split, i, goals.get(i)));
  if (split === 'synthetic') out = all('synthetic', world.syntheticGoals);
  else if (split === 'human') out = all('human', world.humanGoals);
  else {
    const indices = world.splits[split];
    if (!indices) throw new EpoError('MISSING_DATA', `no ${split} index list for the ${world.setting} setting; install the reference split files (epo data install webshop --full)`, { where: `webshop ${split}` });
    const useHuman = world.setting === 'full';
    const goals = useHuman ? world.humanGoals : world.syntheticGoals;
    out = indices.slice(0, limit).map((i) => {
      if (!(Number.isInteger(i) && i >= 0 && i < goals.length)) throw new EpoError('BAD_DATA', `goal index ${i} is out of range (${goals.length} ${useHuman ? 'human' : 'synthetic'} goals)`, { where: `webshop ${split} split` });
      return task(useHuman ? 'human' : 'synthetic', split, i, goals.get(i));
    });
  }
  return opts.limit === undefined ? out : out.slice(0, opts.limit);
}

/** A task from a goal index (into `kind`'s list) or from a goal given as JSON with WebShop's field names. */
export function taskFromGoal(world: WebShopWorld, spec: number | Goal, kind: 'synthetic' | 'human' = world.setting === 'full' ? 'human' : 'synthetic'): WebShopTask {
  if (typeof spec === 'number') {
    const goals = kind === 'human' ? world.humanGoals : world.syntheticGoals;
    if (!(spec >= 0 && spec < goals.length)) throw new EpoError('BAD_INPUT', `goal index ${spec} is out of range (${goals.length} ${kind} goals)`, { where: '--goal' });
    return task(kind, kind, spec, goals.get(spec));
  }
  return { id: `webshop/custom/${spec.asin}`, env: 'webshop', split: 'custom', instruction: spec.instruction_text, goal: spec };
}
