/**
 * Confidence intervals for the figures reports print. Success rates use the Wilson score interval (well behaved at
 * 0% and 100%, unlike the normal approximation); means of scores use Student's t.
 */
export interface Estimate {
  n: number;
  mean: number;
  /** Half-open bounds of the 95% interval. */
  lo: number;
  hi: number;
}

const Z95 = 1.959963984540054;

/** Wilson score interval for k successes out of n. */
export function wilson(k: number, n: number, z = Z95): Estimate {
  if (n === 0) return { n, mean: NaN, lo: NaN, hi: NaN };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { n, mean: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** Two-sided 97.5% quantile of Student's t with df degrees of freedom (table to 30, then a Cornish-Fisher series). */
export function tQuantile975(df: number): number {
  const table = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
    2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  if (df >= 1 && df <= 30 && Number.isInteger(df)) return table[df];
  const z = Z95, z3 = z ** 3, z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

/** Mean with a 95% t interval. */
export function meanCI(xs: readonly number[]): Estimate {
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, lo: NaN, hi: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, lo: NaN, hi: NaN };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { n, mean, lo: mean - half, hi: mean + half };
}

/** `62.5 [48.1, 75.0]` style text; `scale` 100 turns rates into percentages. */
export function formatEstimate(e: Estimate, scale = 1, digits = 1): string {
  if (!Number.isFinite(e.mean)) return 'n/a';
  const f = (x: number) => (x * scale).toFixed(digits);
  return Number.isFinite(e.lo) ? `${f(e.mean)} [${f(e.lo)}, ${f(e.hi)}]` : f(e.mean);
}
