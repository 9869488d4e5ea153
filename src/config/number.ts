/**
 * Numbers in settings, one rule for flags and config files alike: counts are written as plain whole numbers (`100`,
 * not `1e2` or `100.0`), and every count has an upper bound, so a typo cannot plan a hundred million episodes or a
 * step limit of 1e20. The shared ranges live in RULES so every command agrees.
 */
export interface NumberRule {
  integer?: boolean;
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** The value must be greater than this (exclusive), e.g. a time limit > 0. */
  above?: number;
  /** Largest allowed value (inclusive). Whole numbers are also bounded by Number.MAX_SAFE_INTEGER. */
  max?: number;
  /** What the number counts, for the message: "a number of seconds". */
  unit?: string;
}

const PLAIN_INTEGER = /^-?\d+$/;

/** The allowed range in words: "from 1 to 10000", "> 0 and ≤ 1", "≥ 0". */
export function describeRule(r: NumberRule): string {
  const kind = r.integer ? 'a whole number' : r.unit ? `a number of ${r.unit}` : 'a number';
  const low = r.above !== undefined ? `> ${r.above}` : r.min !== undefined ? `≥ ${r.min}` : undefined;
  const range = r.min !== undefined && r.above === undefined && r.max !== undefined ? `from ${r.min} to ${r.max}`
    : [low, r.max !== undefined ? `≤ ${r.max}` : undefined].filter(Boolean).join(' and ');
  return range ? `${kind} ${range}` : kind;
}

/** The number a text (or a YAML number) stands for under `rule`, or undefined when it breaks the rule. */
export function readNumber(value: unknown, rule: NumberRule = {}): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const x = Number(text);
  const bad = text === '' || !Number.isFinite(x)
    || (rule.integer && (typeof value === 'number' ? !Number.isSafeInteger(value) : !PLAIN_INTEGER.test(text) || !Number.isSafeInteger(x)))
    || (rule.min !== undefined && x < rule.min) || (rule.above !== undefined && !(x > rule.above)) || (rule.max !== undefined && x > rule.max);
  return bad ? undefined : Object.is(x, -0) ? 0 : x;
}

/** The ranges of flags that several commands share. */
export const RULES = {
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
  concurrency: { integer: true, min: 1, max: 4096 },
  trials: { integer: true, min: 1, max: 10_000 },
  /** Steps (ALFWorld/WebShop) or turns (SOTOPIA) per episode. */
  steps: { integer: true, min: 1, max: 10_000 },
  /** The first n tasks of a split. */
  tasks: { integer: true, min: 1, max: 10_000_000 },
  /** Episodes per self-play iteration or demo stage. */
  episodes: { integer: true, min: 1, max: 100_000 },
  iterations: { integer: true, min: 1, max: 1000 },
  /** Per-episode time limit; setTimeout cannot wait longer than 24.8 days, a week is plenty. */
  timeoutSeconds: { above: 0, max: 604_800, unit: 'seconds' },
  temperature: { min: 0, max: 2 },
  topP: { above: 0, max: 1 },
  maxTokens: { integer: true, min: 1, max: 1_000_000 },
  fraction: { min: 0, max: 1 },
  workers: { integer: true, min: 1, max: 256 },
  epochs: { min: 0, max: 1000 },
  learningRate: { min: 0, max: 1 },
  batch: { integer: true, min: 1, max: 65_536 },
  kl: { min: 0, max: 1000 },
  /** Training tokens per chat. */
  maxLen: { integer: true, min: 2, max: 1_048_576 },
  repairs: { integer: true, min: 0, max: 100 },
  samples: { integer: true, min: 1, max: 1000 },
} satisfies Record<string, NumberRule>;
