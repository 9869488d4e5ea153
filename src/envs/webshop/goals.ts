/**
 * Goals as the original builds them, with its order (so a goal index means the same goal): synthetic goals from the
 * attribute file (one per option combination of each product with an instruction), human goals from
 * items_human_ins.json (instructions without attributes skipped), each list then shuffled by Python's
 * `random.seed(233); random.shuffle`. Price caps follow the original's rule but are drawn from a seeded generator:
 * the larger of two distinct picks among the first four multiples of ten above the price.
 */
import { createRng, deriveSeed } from '../../core/random.js';
import { PyRandom } from './pyrandom.js';
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

/** Python's itertools.product over the options, names sorted. */
function combinations(options: Record<string, string[]>): Record<string, string>[] {
  const names = Object.keys(options).sort();
  let out: Record<string, string>[] = [{}];
  for (const name of names) {
    const next: Record<string, string>[] = [];
    for (const partial of out) for (const v of options[name]) next.push({ ...partial, [name]: v });
    out = next;
  }
  return out;
}

export function syntheticGoals(products: Product[], attributes: Map<string, AttributeEntry>, prices: Map<string, number>, seed: number): Goal[] {
  const goals: Goal[] = [];
  for (const p of products) {
    const entry = attributes.get(p.asin);
    if (!entry || entry.instruction == null) continue;
    const attrs = entry.instruction_attributes ?? [];
    if (attrs.length === 0) continue; // the reference asserts this never happens
    const { price_upper, price_text } = priceCap(prices.get(p.asin) ?? 100.0, seed, p.asin);
    for (const goal_options of combinations(p.options)) {
      const optionText = Object.entries(goal_options).map(([k, v]) => `${k}: ${v}`).join(', and ');
      goals.push({
        asin: p.asin, category: p.category, query: p.query, name: p.Title, product_category: p.product_category,
        instruction_text: `${entry.instruction}${optionText ? ' with ' + optionText : ''}${price_text}`,
        attributes: attrs, price_upper, goal_options,
      });
    }
  }
  return new PyRandom(233).shuffle(goals);
}

/** Python's str.strip('.') */
const stripDots = (s: string) => s.replace(/^\.+|\.+$/g, '');

export function humanGoals(products: Product[], human: Map<string, HumanInstruction[]>, prices: Map<string, number>, seed: number): Goal[] {
  const goals: Goal[] = [];
  for (const p of products) {
    const list = human.get(p.asin);
    if (!list) continue;
    list.forEach((ins, k) => {
      const attrs = ins.instruction_attributes ?? [];
      if (attrs.length === 0) return;
      const { price_upper, price_text } = priceCap(prices.get(p.asin) ?? 100.0, seed, p.asin, k);
      goals.push({
        asin: p.asin, category: p.category, query: p.query, name: p.name, product_category: p.product_category,
        instruction_text: stripDots(ins.instruction) + price_text,
        attributes: attrs, price_upper, goal_options: ins.instruction_options ?? [],
      });
    });
  }
  return new PyRandom(233).shuffle(goals);
}

/**
 * The small setting's own split (the reference's index files point into the full setting's human goals): products
 * with synthetic goals are shuffled with `seed`; the goals of the first quarter of them form the test pool, from
 * which up to 200 goals are drawn (seeded); the goals of the other products form train. No product is in both.
 */
export function smallSplit(goals: Goal[], seed: number): { test: number[]; train: number[] } {
  const asins = [...new Set(goals.map((g) => g.asin))].sort();
  const rng = createRng(deriveSeed(seed, 'webshop-small-split'));
  rng.shuffle(asins);
  const testAsins = new Set(asins.slice(0, Math.ceil(asins.length / 4)));
  const testPool: number[] = [], train: number[] = [];
  goals.forEach((g, i) => (testAsins.has(g.asin) ? testPool : train).push(i));
  const test = rng.shuffle(testPool).slice(0, 200).sort((a, b) => a - b);
  return { test, train };
}
