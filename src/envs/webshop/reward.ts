/**
 * The WebShop reward, as the reference computes it on "Buy Now":
 *   reward = r_type × (attribute matches + option matches + [price ≤ cap]) / (#attributes + #options + 1)
 * Attribute: a purchased attribute with fuzzy token-set ratio > 85, or the goal attribute as a substring of the
 * lower-cased title, bullet points or description. Option: after colour normalisation, some selected value with
 * ratio > 85. Type: query match, ≥ 2 shared category levels, and the share of the goal title's nouns found in the
 * purchased title. A pure function: the same inputs always give the same reward and parts.
 */
import { COLOR_SET, normalizeColor } from './normalize.js';
import { pyTuple, thefuzzTokenSetRatio } from './thefuzz.js';
import { titleNouns } from './pos.js';
import type { Goal, Product } from './types.js';

export interface RewardParts {
  r_type: number;
  query_match: boolean;
  category_match: boolean;
  title_score: number;
  /** Share of goal attributes matched, and which. */
  r_att: number;
  num_attr_matches: number;
  matched_attributes: string[];
  missed_attributes: string[];
  /** Share of goal options matched (null when the goal has none), and which. */
  r_option: number | null;
  num_option_matches: number;
  matched_options: string[];
  missed_options: string[];
  r_price: boolean;
  price: number;
  price_upper: number;
  w_att: number;
  w_option: number;
  w_price: number;
}

export interface Reward { reward: number; parts: RewardParts }

// Rewards compare the same short attribute and option strings over and over (every item view computes one), and
// each fuzzball call tokenises and sorts both sides afresh: remembering the ratios takes that churn off the heap.
const ratios = new Map<string, number>();
const MAX_RATIOS = 20_000;

/** thefuzz's token_set_ratio with its defaults (full processing, `force_ascii`), rounded to an integer. */
export function tokenSetRatio(a: string, b: string): number {
  const key = `${a}\0${b}`;
  let r = ratios.get(key);
  if (r === undefined) {
    r = thefuzzTokenSetRatio(a, b);
    if (ratios.size >= MAX_RATIOS) ratios.clear();
    ratios.set(key, r);
  }
  return r;
}

/** A product's lower-cased text fields, computed once per product object (the catalogue keeps hot ones). */
const lowered = new WeakMap<Product, { title: string; bullets: string; desc: string }>();
function lowerText(p: Product): { title: string; bullets: string; desc: string } {
  let t = lowered.get(p);
  if (!t) {
    t = { title: p.Title.toLowerCase(), bullets: p.BulletPoints.join(' ').toLowerCase(), desc: p.Description.toLowerCase() };
    lowered.set(p, t);
  }
  return t;
}

export function typeReward(goal: Goal, product: Product): Pick<RewardParts, 'r_type' | 'query_match' | 'category_match' | 'title_score'> {
  const query_match = product.query === (goal.query ?? '');
  const levels = (s: string) => new Set(s.split('›').map((x) => x.trim()));
  const pc = levels(product.product_category);
  let shared = 0;
  for (const l of levels(goal.product_category ?? '')) if (pc.has(l)) shared++;
  const category_match = shared >= 2;
  const purchased = new Set(titleNouns(product.name));
  const desired = titleNouns(goal.name ?? '');
  const desiredSet = new Set(desired);
  let inter = 0;
  for (const w of desiredSet) if (purchased.has(w)) inter++;
  // The reference divides the distinct overlap by the goal's noun count with duplicates.
  const title_score = desired.length === 0 ? 0.2 : inter / desired.length;
  let r_type = 1.0;
  if (!(query_match || category_match || title_score > 0.2)) r_type = 0.5;
  if (title_score < 0.1) r_type = 0.1;
  if (title_score === 0) r_type = 0.0;
  return { r_type, query_match, category_match, title_score };
}

/**
 * How goal options given as a dict (synthetic goals) are compared with the selected values:
 *   values  their values, colour-normalised like the selected ones (epo's default);
 *   pairs   their (name, value) pairs, as the reference's `get_reward` passes `goal_options.items()`: colour
 *           normalisation of a tuple only fires when the name or the value *equals* a colour (Python's `in` on a
 *           tuple), and the fuzzy match reads the tuple's `str()`. Buying the exact goal options then scores below 1
 *           whenever the value only contains a colour word (`r.brown2060`); docs/webshop.md has the count.
 */
export type GoalOptionMatch = 'values' | 'pairs';

export interface RewardOptions {
  goalOptions?: GoalOptionMatch;
}

function goalOptionKeys(goal: Goal, match: GoalOptionMatch): { label: string; text: string }[] {
  if (Array.isArray(goal.goal_options)) return goal.goal_options.map((o) => ({ label: o, text: normalizeColor(o) }));
  return Object.entries(goal.goal_options).map(([name, value]) => ({
    label: `${name}: ${value}`,
    text: match === 'pairs' ? COLOR_SET.find((c) => c === name || c === value) ?? pyTuple(name, value) : normalizeColor(value),
  }));
}

export function computeReward(goal: Goal, product: Product, selectedOptions: Record<string, string>, price: number, opts: RewardOptions = {}): Reward {
  const type = typeReward(goal, product);

  const { title, bullets, desc } = lowerText(product);
  const matched_attributes: string[] = [], missed_attributes: string[] = [];
  for (const g of goal.attributes) {
    const hit = product.Attributes.some((p) => tokenSetRatio(p, g) > 85) || title.includes(g) || bullets.includes(g) || desc.includes(g);
    (hit ? matched_attributes : missed_attributes).push(g);
  }

  const purchased = Object.values(selectedOptions).map(normalizeColor);
  const matched_options: string[] = [], missed_options: string[] = [];
  const goalOpts = goalOptionKeys(goal, opts.goalOptions ?? 'values');
  for (const g of goalOpts) {
    const hit = purchased.some((p) => tokenSetRatio(p, g.text) > 85);
    (hit ? matched_options : missed_options).push(g.label);
  }

  const r_price = price <= goal.price_upper;
  const nAttr = goal.attributes.length, nOpt = goalOpts.length;
  const denom = nAttr + nOpt + 1;
  let reward = (matched_attributes.length + matched_options.length + (r_price ? 1 : 0)) / denom;
  reward *= type.r_type;
  return {
    reward,
    parts: {
      ...type,
      r_att: nAttr ? matched_attributes.length / nAttr : 0,
      num_attr_matches: matched_attributes.length,
      matched_attributes, missed_attributes,
      r_option: nOpt ? matched_options.length / nOpt : null,
      num_option_matches: matched_options.length,
      matched_options, missed_options,
      r_price, price, price_upper: goal.price_upper,
      w_att: nAttr / denom, w_option: nOpt / denom, w_price: 1 / denom,
    },
  };
}
