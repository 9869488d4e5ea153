/**
 * From per-turn rewards to per-turn training weights: pure maths, one named rule each, with its parameters recorded
 * next to every dataset. Inputs are per strategist turn (t = 0..T−1): the labeler's process rewards p_t, the turns it
 * marked critical, and the episode's outcome R in [0, 1].
 *
 *   reference   EPO as released: r_t = 1 on critical turns (even the last), else R on the last turn, else 0;
 *               G_t = r_t + γ·G_{t+1}; w_t = G_t / max_k |G_k| (0 when that max is 0).
 *   discounted  r_t = λ·p_t + [t = T−1]·R; w_t = G_t. No normalisation: the outcome's level survives.
 *   baseline    as discounted, with the outcome replaced by its advantage over the task group: R − mean_group(R).
 *   grpo        as baseline, divided by the group's standard deviation: (R − mean)/(std + ε) (GRPO-style).
 * baseline and grpo give negative weights to turns of worse-than-usual episodes.
 */
import { EpoError } from '../core/errors.js';

export type RuleName = 'reference' | 'discounted' | 'baseline' | 'grpo';
export const RULE_NAMES: readonly RuleName[] = ['reference', 'discounted', 'baseline', 'grpo'];

export interface RuleParams {
  /** Discount γ. */
  gamma: number;
  /** λ: scale of the process rewards (discounted, baseline, grpo; the reference rule uses p_t as is). */
  processScale: number;
  /** ε added to the group standard deviation (grpo). */
  eps: number;
}

export interface ReturnRule {
  name: RuleName;
  params: RuleParams;
}

export const DEFAULT_PARAMS: Record<RuleName, RuleParams> = {
  reference: { gamma: 0.99, processScale: 1, eps: 0 },
  discounted: { gamma: 0.99, processScale: 1, eps: 0 },
  baseline: { gamma: 0.99, processScale: 1, eps: 0 },
  grpo: { gamma: 0.99, processScale: 1, eps: 1e-6 },
};

export function makeRule(name: string, over: Partial<RuleParams> = {}): ReturnRule {
  if (!RULE_NAMES.includes(name as RuleName)) {
    throw new EpoError('BAD_INPUT', `unknown return rule "${name}"; expected one of ${RULE_NAMES.join(', ')}`, { where: '--rule' });
  }
  const params = { ...DEFAULT_PARAMS[name as RuleName] };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) (params as Record<string, number>)[k] = v;
  if (!(params.gamma >= 0 && params.gamma <= 1)) throw new EpoError('BAD_INPUT', `gamma must be in [0, 1], got ${params.gamma}`, { where: '--gamma' });
  if (!Number.isFinite(params.processScale)) throw new EpoError('BAD_INPUT', `process scale must be a number, got ${params.processScale}`, { where: '--process-scale' });
  return { name: name as RuleName, params };
}

/** G_t = r_t + γ·G_{t+1}, G_T = 0. */
export function discountedReturns(rewards: readonly number[], gamma: number): number[] {
  const g = new Array<number>(rewards.length);
  let acc = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    acc = rewards[t] + gamma * acc;
    g[t] = acc;
  }
  return g;
}

/** x / max|x|, or all zeros when the max is 0. */
export function maxAbsNormalise(xs: readonly number[]): number[] {
  let m = 0;
  for (const x of xs) m = Math.max(m, Math.abs(x));
  return m === 0 ? xs.map(() => 0) : xs.map((x) => x / m);
}

/** The reference reward of a critical turn. */
export const CRITICAL_REWARD = 1;

/** The reference's raw rewards for T turns: critical turns 1 (this has priority), else the last turn R, else 0. */
export function referenceRewards(T: number, critical: ReadonlySet<number>, outcome: number): number[] {
  return Array.from({ length: T }, (_, t) => (critical.has(t) ? CRITICAL_REWARD : t === T - 1 ? outcome : 0));
}

/** The per-turn inputs of one trajectory. */
export interface TrajectoryRewards {
  /** p_t per strategist turn. */
  process: readonly number[];
  /** Strategist-turn indexes the labeler marked critical. */
  critical: readonly number[];
  /** The outcome R in [0, 1]. */
  outcome: number;
  /** Trajectories of the same task (and seat) share a group: the baseline and grpo rules compare within it. */
  group: string;
}

export interface TrajectoryWeights {
  /** r_t as the rule sees them (the outcome term included on the last turn). */
  rewards: number[];
  /** G_t. */
  returns: number[];
  /** w_t: the training weight of each strategist turn. */
  weights: number[];
}

export interface GroupStats {
  n: number;
  mean: number;
  std: number;
}

/** Mean and population standard deviation of the outcomes per group. */
export function groupStats(items: readonly Pick<TrajectoryRewards, 'group' | 'outcome'>[]): Map<string, GroupStats> {
  const acc = new Map<string, { n: number; s: number; s2: number }>();
  for (const it of items) {
    const a = acc.get(it.group) ?? { n: 0, s: 0, s2: 0 };
    a.n++; a.s += it.outcome; a.s2 += it.outcome * it.outcome;
    acc.set(it.group, a);
  }
  const out = new Map<string, GroupStats>();
  for (const [g, a] of acc) {
    const mean = a.s / a.n;
    out.set(g, { n: a.n, mean, std: Math.sqrt(Math.max(0, a.s2 / a.n - mean * mean)) });
  }
  return out;
}

/** The outcome term the rule puts on the last turn. */
function outcomeTerm(rule: ReturnRule, outcome: number, g?: GroupStats): number {
  if (rule.name === 'baseline') return outcome - g!.mean;
  if (rule.name === 'grpo') return g!.std === 0 ? 0 : (outcome - g!.mean) / (g!.std + rule.params.eps);
  return outcome;
}

/** Weights for one trajectory; `group` is required by the baseline and grpo rules. */
export function trajectoryWeights(rule: ReturnRule, tr: Omit<TrajectoryRewards, 'group'>, group?: GroupStats): TrajectoryWeights {
  const T = tr.process.length;
  if ((rule.name === 'baseline' || rule.name === 'grpo') && !group) {
    throw new EpoError('INTERNAL', `the ${rule.name} rule needs the statistics of the trajectory's task group`);
  }
  const { gamma, processScale } = rule.params;
  let rewards: number[];
  if (rule.name === 'reference') {
    rewards = referenceRewards(T, new Set(tr.critical), tr.outcome);
  } else {
    const last = outcomeTerm(rule, tr.outcome, group);
    rewards = tr.process.map((p, t) => processScale * p + (t === T - 1 ? last : 0));
  }
  const returns = discountedReturns(rewards, gamma);
  const weights = rule.name === 'reference' ? maxAbsNormalise(returns) : returns;
  return { rewards, returns, weights };
}

/** Weights for many trajectories at once (group statistics computed over all of them). */
export function assignWeights(rule: ReturnRule, items: readonly TrajectoryRewards[]): TrajectoryWeights[] {
  const stats = rule.name === 'baseline' || rule.name === 'grpo' ? groupStats(items) : undefined;
  return items.map((it) => trajectoryWeights(rule, it, stats?.get(it.group)));
}
