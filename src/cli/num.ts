/** Parsing numeric CLI flags, with one clear error that names the flag and the allowed range (rules: src/config/number.ts). */
import { EpoError } from '../core/errors.js';
import { describeRule, readNumber, type NumberRule } from '../config/number.js';

export { RULES, describeRule, type NumberRule } from '../config/number.js';

export function parseNumber(flag: string, value: string | undefined, opts: NumberRule = {}): number | undefined {
  if (value === undefined) return undefined;
  const x = readNumber(value, opts);
  if (x === undefined) throw new EpoError('BAD_INPUT', `${flag} must be ${describeRule(opts)}, got "${value}"`, { where: flag });
  return x;
}

/** A whole-number flag that has a value (commander default or required). */
export const intFlag = (value: string, flag: string, min = 0, max?: number): number => parseNumber(flag, value, { integer: true, min, max })!;

/** A real-number flag that has a value. */
export const numberFlag = (value: string, flag: string, min?: number, max?: number): number => parseNumber(flag, value, { min, max })!;
