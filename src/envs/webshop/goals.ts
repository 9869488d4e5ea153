/**
 * Goals as the original builds them, with its order (so a goal index means the same goal): synthetic goals from the
 * attribute file (one per option combination of each product with an instruction), human goals from
 * items_human_ins.json (instructions without attributes skipped), each list then shuffled by Python's
 * `random.seed(233); random.shuffle`. Price caps follow the original's rule but are drawn from a seeded generator:
 * the larger of two distinct picks among the first four multiples of ten above the price.
 */
import { createRng, deriveSeed } from '../../core/random.js';
import { PyRandom } from './pyrandom.js';
import type { ProductSource } from './products.js';
import type { AttributeEntry, Goal, HumanInstruction, Product } from './types.js';

const PRICE_RANGE = Array.from({ length: 99 }, (_, i) => 10.0 * (i + 1));
export const NO_PRICE_CAP = 1_000_000;

/** The goal's price cap and the clause added to its instruction. */
export function priceCap(price: number, seed: number, ...labels: (string | number)[]): { price_upper: number; price_text: string } {
  const candidates = PRICE_RANGE.filter((p) => p > price).slice(0, 4);
  if (candidates.length < 2) return { price_upper: NO_PRICE_CAP, price_text: '' };
  const rng = createRng(deriveSeed(seed, 'price_upper', ...labels));
  const i = rng.int(candidates.length);
  let j = rng.int(candidates.length - 1);
  if (j >= i) j++;
  const price_upper = Math.max(candidates[i], candidates[j]);
  return { price_upper, price_text: `, and price lower than ${price_upper.toFixed(2)} dollars` };
}

/** A goal list in the reference's order; goals are built when asked for, so millions cost a few megabytes. */
export interface GoalList {
  readonly length: number;
  get(i: number): Goal;
  /** The ASIN of goal i, without building it. */
  asinOf(i: number): string;
}

/** Collects, while the catalogue streams in, which goals exist (product position + combination or instruction). */
export class GoalPlan {
  readonly product: number[] = [];
  readonly sub: number[] = [];
  add(productIndex: number, count: number): void {
    for (let k = 0; k < count; k++) { this.product.push(productIndex); this.sub.push(k); }
  }
}

class ShuffledGoals implements GoalList {
  private readonly perm: Uint32Array;
  constructor(private readonly plan: GoalPlan, private readonly products: ProductSource, private readonly make: (productIndex: number, sub: number) => Goal) {
    // random.seed(233); random.shuffle(goals): shuffling positions gives the same permutation.
    this.perm = Uint32Array.from(new PyRandom(233).shuffle(plan.product.map((_, k) => k)));
  }
  get length(): number { return this.perm.length; }
  get(i: number): Goal {
    const k = this.perm[i];
    if (!Number.isInteger(i) || k === undefined) throw new RangeError(`goal index ${i} is out of range (0..${this.perm.length - 1})`);
    return this.make(this.plan.product[k], this.plan.sub[k]);
  }
  asinOf(i: number): string { return this.products.asin(this.plan.product[this.perm[i]]); }
}

/** Number of option combinations (itertools.product over the options). */
export const combinationCount = (options: Record<string, string[]>): number =>
  Object.values(options).reduce((n, values) => n * values.length, 1);

/** Combination `k` in itertools.product order over the options, names sorted (the last name varies fastest). */
export function combination(options: Record<string, string[]>, k: number): Record<string, string> {
  const names = Object.keys(options).sort();
  const picks: string[] = new Array(names.length);
  for (let j = names.length - 1; j >= 0; j--) {
    const values = options[names[j]];
    picks[j] = values[k % values.length];
    k = Math.floor(k / values.length);
  }
  return Object.fromEntries(names.map((n, j) => [n, picks[j]]));
}

/** Which synthetic goals a product contributes (0 without an instruction). */
export function syntheticCount(p: Product, entry: AttributeEntry | undefined): number {
  if (!entry || entry.instruction == null) return 0;
  if ((entry.instruction_attributes ?? []).length === 0) return 0; // the reference asserts this never happens
  return combinationCount(p.options);
}

export function syntheticGoals(plan: GoalPlan, products: ProductSource, attributes: Map<string, AttributeEntry>, price: (i: number) => number, seed: number): GoalList {
  return new ShuffledGoals(plan, products, (i, k) => {
    const p = products.get(i);
    const entry = attributes.get(p.asin)!;
    const { price_upper, price_text } = priceCap(price(i), seed, p.asin);
    const goal_options = combination(p.options, k);
    const optionText = Object.entries(goal_options).map(([n, v]) => `${n}: ${v}`).join(', and ');
    return {
      asin: p.asin, category: p.category, query: p.query, name: p.Title, product_category: p.product_category,
      instruction_text: `${entry.instruction}${optionText ? ' with ' + optionText : ''}${price_text}`,
      attributes: entry.instruction_attributes ?? [], price_upper, goal_options,
    };
  });
}

/** Python's str.strip('.') */
const stripDots = (s: string) => s.replace(/^\.+|\.+$/g, '');

/** Which human goals a product contributes: its instructions that have attributes. */
export function humanIndices(list: HumanInstruction[] | undefined): number[] {
  return (list ?? []).flatMap((ins, k) => ((ins.instruction_attributes ?? []).length ? [k] : []));
}

export function humanGoals(plan: GoalPlan, products: ProductSource, human: Map<string, HumanInstruction[]>, price: (i: number) => number, seed: number): GoalList {
  return new ShuffledGoals(plan, products, (i, j) => {
    const p = products.get(i);
    const k = humanIndices(human.get(p.asin))[j];
    const ins = human.get(p.asin)![k];
    const { price_upper, price_text } = priceCap(price(i), seed, p.asin, k);
    return {
      asin: p.asin, category: p.category, query: p.query, name: p.name, product_category: p.product_category,
      instruction_text: stripDots(ins.instruction) + price_text,
      attributes: ins.instruction_attributes, price_upper, goal_options: ins.instruction_options ?? [],
    };
  });
}

/**
 * The small setting's own split (the reference's index files point into the full setting's human goals): products
 * with synthetic goals are shuffled with `seed`; the goals of the first quarter of them form the test pool, from
 * which up to 200 goals are drawn (seeded); the goals of the other products form train. No product is in both.
 */
export function smallSplit(goals: GoalList, seed: number): { test: number[]; train: number[] } {
  const goalAsins = Array.from({ length: goals.length }, (_, i) => goals.asinOf(i));
  const asins = [...new Set(goalAsins)].sort();
  const rng = createRng(deriveSeed(seed, 'webshop-small-split'));
  rng.shuffle(asins);
  const testAsins = new Set(asins.slice(0, Math.ceil(asins.length / 4)));
  const testPool: number[] = [], train: number[] = [];
  goalAsins.forEach((a, i) => (testAsins.has(a) ? testPool : train).push(i));
  const test = rng.shuffle(testPool).slice(0, 200).sort((a, b) => a - b);
  return { test, train };
}
