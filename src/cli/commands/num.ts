/** Parsing numeric CLI flags with a clear error naming the flag. */
import { EpoError } from '../../core/errors.js';

export function parseNumber(flag: string, value: string | undefined, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  const bad = !Number.isFinite(x) || (opts.integer && !Number.isInteger(x)) || (opts.min !== undefined && x < opts.min) || (opts.max !== undefined && x > opts.max);
  if (bad) {
    const range = opts.min !== undefined || opts.max !== undefined ? ` in [${opts.min ?? '-∞'}, ${opts.max ?? '∞'}]` : '';
    throw new EpoError('BAD_INPUT', `"${value}" is not ${opts.integer ? 'an integer' : 'a number'}${range}`, { where: flag });
  }
  return x;
}
