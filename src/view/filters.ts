/** URL parameters of the episode browser → a checked filter (bad values are errors naming the parameter). */
import { EpoError } from '../core/errors.js';
import type { EpisodeFilter } from './queries.js';

export const PER_PAGE = 50;
export const MAX_PER_PAGE = 500;

const number = (q: URLSearchParams, key: string): number | undefined => {
  const v = q.get(key)?.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new EpoError('BAD_INPUT', `${key} must be a number, got "${v}"`, { where: `parameter ${key}` });
  return n;
};

const whole = (q: URLSearchParams, key: string, min: number, max: number, fallback: number): number => {
  const n = number(q, key);
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < min || n > max) throw new EpoError('BAD_INPUT', `${key} must be a whole number from ${min} to ${max}, got "${q.get(key)}"`, { where: `parameter ${key}` });
  return n;
};

export function parseFilter(q: URLSearchParams): EpisodeFilter {
  const s = q.get('success') ?? '';
  if (!['', '0', '1'].includes(s)) throw new EpoError('BAD_INPUT', `success must be 1 (successes), 0 (failures) or empty, got "${s}"`, { where: 'parameter success' });
  const wmin = number(q, 'wmin'), wmax = number(q, 'wmax');
  if (wmin !== undefined && wmax !== undefined && wmin > wmax) throw new EpoError('BAD_INPUT', `the weight range is empty: wmin ${wmin} > wmax ${wmax}`, { where: 'parameters wmin, wmax' });
  const text = (k: string) => q.get(k)?.trim() || undefined;
  return {
    ...(s ? { success: s === '1' } : {}),
    ...(text('type') ? { type: text('type') } : {}),
    ...(text('q') ? { q: text('q') } : {}),
    ...(text('task') ? { task: text('task') } : {}),
    ...(wmin !== undefined ? { wmin } : {}),
    ...(wmax !== undefined ? { wmax } : {}),
    page: whole(q, 'page', 1, 1e9, 1),
    perPage: whole(q, 'per', 1, MAX_PER_PAGE, PER_PAGE),
  };
}

/** `runs=a,b` and/or `runs=a&runs=b` → the run names, in order, without repeats. */
export function parseRuns(q: URLSearchParams): string[] {
  return [...new Set(q.getAll('runs').flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean))];
}
