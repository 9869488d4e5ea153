/** Parsing numeric CLI flags, with one clear error that names the flag and the allowed range. */
import { EpoError } from '../core/errors.js';

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

export function parseNumber(flag: string, value: string | undefined, opts: NumberRule = {}): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  const bad = value.trim() === '' || !Number.isFinite(x) || (opts.integer && !Number.isInteger(x))
    || (opts.min !== undefined && x < opts.min) || (opts.max !== undefined && x > opts.max);
  if (bad) {
    const range = opts.min !== undefined && opts.max !== undefined ? ` from ${opts.min} to ${opts.max}`
      : opts.min !== undefined ? ` ≥ ${opts.min}` : opts.max !== undefined ? ` ≤ ${opts.max}` : '';
    throw new EpoError('BAD_INPUT', `${flag} must be ${opts.integer ? 'a whole number' : 'a number'}${range}, got "${value}"`, { where: flag });
  }
  return x;
}

/** A whole-number flag that has a value (commander default or required). */
export const intFlag = (value: string, flag: string, min = 0): number => parseNumber(flag, value, { integer: true, min })!;

/** A real-number flag that has a value. */
export const numberFlag = (value: string, flag: string, min?: number): number => parseNumber(flag, value, { min })!;
