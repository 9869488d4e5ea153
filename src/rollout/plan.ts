/**
 * The episodes a run plans, produced on demand. A plan knows its size and the position of any episode id without
 * listing them, so 10,000 trials of 2,760 tasks are never held in memory: the scheduler pulls items one at a time,
 * counts stored episodes of the plan from the store's ids, and shards are taken by position.
 */
import { EpoError } from '../core/errors.js';

export interface Plan<I extends { id: string }> extends Iterable<I> {
  /** How many items the plan yields. */
  readonly size: number;
  /** The 0-based position of the item with this id, or -1 when the plan has none. */
  position(id: string): number;
}

export const planHas = (plan: Plan<{ id: string }>, id: string): boolean => plan.position(id) >= 0;

/** A plan over a list already in memory (small plans: demo corpora, self-play iterations). */
export function arrayPlan<I extends { id: string }>(items: readonly I[]): Plan<I> {
  let index: Map<string, number> | undefined;
  return {
    size: items.length,
    position(id) {
      index ??= new Map(items.map((it, k) => [it.id, k]));
      return index.get(id) ?? -1;
    },
    [Symbol.iterator]: () => items[Symbol.iterator](),
  };
}

/** `taskId#trial` → [taskId, trial]; undefined for ids of another shape. */
function splitId(id: string): [string, number] | undefined {
  const hash = id.lastIndexOf('#');
  const t = id.slice(hash + 1);
  if (hash < 0 || !/^(0|[1-9]\d*)$/.test(t)) return undefined;
  return [id.slice(0, hash), Number(t)];
}

export interface GridOptions<E, I> {
  /** The distinct entries of one trial (tasks, or task × seat), each with a unique key (its task id). */
  entries: readonly E[];
  key(e: E): string;
  trials: number;
  /** `entry`: every trial of an entry before the next entry (`epo eval`); `trial`: every entry of trial 0 first (SOTOPIA). */
  order: 'entry' | 'trial';
  /** The item of an entry and trial; its id must be `${key(e)}#${trial}`. */
  item(e: E, trial: number): I;
}

/** Entries × trials, in a fixed order, without materialising the product. */
export function gridPlan<E, I extends { id: string }>(o: GridOptions<E, I>): Plan<I> {
  const n = o.entries.length;
  const index = new Map<string, number>();
  o.entries.forEach((e, k) => {
    const key = o.key(e);
    if (index.has(key)) throw new EpoError('INTERNAL', `the plan has the task "${key}" twice`, { where: key });
    index.set(key, k);
  });
  const at = (k: number, trial: number) => (o.order === 'entry' ? k * o.trials + trial : trial * n + k);
  return {
    size: n * o.trials,
    position(id) {
      const p = splitId(id);
      const k = p ? index.get(p[0]) : undefined;
      return p && k !== undefined && p[1] < o.trials ? at(k, p[1]) : -1;
    },
    *[Symbol.iterator]() {
      if (o.order === 'entry') for (const e of o.entries) for (let t = 0; t < o.trials; t++) yield o.item(e, t);
      else for (let t = 0; t < o.trials; t++) for (const e of o.entries) yield o.item(e, t);
    },
  };
}

export interface Shard {
  index: number;
  count: number;
}

/** The items of one shard: every n-th item of the plan starting at i (stable for a fixed task order). */
export function shardPlan<I extends { id: string }>(plan: Plan<I>, shard?: Shard): Plan<I> {
  if (!shard) return plan;
  const { index, count } = shard;
  return {
    size: plan.size > index ? Math.floor((plan.size - index - 1) / count) + 1 : 0,
    position(id) {
      const p = plan.position(id);
      return p >= 0 && p % count === index ? (p - index) / count : -1;
    },
    *[Symbol.iterator]() {
      let k = 0;
      for (const it of plan) if (k++ % count === index) yield it;
    },
  };
}
