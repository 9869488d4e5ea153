/**
 * `epo_weight_in(label, outcome, group_mean, group_std, rule, lo, hi)`: an SQL function for the episode browser's
 * weight filter, so filtering and paging stay in one query. True when some strategist turn's training weight lies
 * in [lo, hi] (a missing bound is open); false for an episode without a (readable) label.
 */
import type { Label } from '../core/label.js';
import type { ReturnRule } from '../rewards/returns.js';
import type { Db } from './run-db.js';
import { labelWeights } from './weights.js';

const rules = new Map<string, ReturnRule>();
const ruleOf = (text: string): ReturnRule => {
  let r = rules.get(text);
  if (!r) rules.set(text, r = JSON.parse(text) as ReturnRule);
  return r;
};

export function weightIn(labelText: string | null, outcome: number, mean: number | null, std: number | null, ruleText: string, lo: number | null, hi: number | null): boolean {
  if (labelText === null) return false;
  let label: Label;
  try { label = JSON.parse(labelText) as Label; } catch { return false; }
  if (!Array.isArray(label.rewards) || label.rewards.length === 0) return false;
  const w = labelWeights(ruleOf(ruleText), label, outcome, { n: 2, mean: mean ?? outcome, std: std ?? 0 });
  return w.weights.some((x) => (lo === null || x >= lo - 1e-12) && (hi === null || x <= hi + 1e-12));
}

export function registerWeightFunction(db: Db): void {
  db.function('epo_weight_in', { deterministic: true }, (label, outcome, mean, std, rule, lo, hi) =>
    (weightIn(label as string | null, Number(outcome), mean as number | null, std as number | null, String(rule), lo as number | null, hi as number | null) ? 1 : 0));
}
