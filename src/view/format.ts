/** Numbers as pages show them: rates with their intervals, token counts, money, dates. */
import type { Estimate } from '../eval/stats.js';

const finite = (x: number) => Number.isFinite(x);

/** `62.5% [48.1, 75.0]` (scale 100) or `0.412 [0.380, 0.444]`; `n/a` without data. */
export function estimateText(e: Estimate, scale = 100, digits = 1, unit = scale === 100 ? '%' : ''): string {
  if (!finite(e.mean)) return 'n/a';
  const f = (x: number) => (x * scale).toFixed(digits);
  return finite(e.lo) ? `${f(e.mean)}${unit} [${f(e.lo)}, ${f(e.hi)}]` : `${f(e.mean)}${unit}`;
}

export const intText = (n: number): string => (finite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

export const usdText = (x: number): string => (!finite(x) ? 'n/a' : x === 0 ? '$0' : x < 0.01 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`);

/** ISO time → `2026-12-06 15:04` (UTC), or the text as is when it is not a date. */
export function dateText(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ');
}

export const numText = (x: number | undefined | null, digits = 3): string => (typeof x === 'number' && finite(x) ? x.toFixed(digits) : '');
