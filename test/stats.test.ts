import { describe, expect, it } from 'vitest';
import { formatEstimate, meanCI, wilson } from '../src/eval/stats.js';

describe('confidence intervals', () => {
  it('Wilson interval matches worked values', () => {
    const e = wilson(7, 10);
    expect(e.mean).toBe(0.7);
    expect(e.lo).toBeCloseTo(0.3968, 4);
    expect(e.hi).toBeCloseTo(0.8922, 4);
    const all = wilson(10, 10);
    expect(all.hi).toBeCloseTo(1, 12);
    expect(all.lo).toBeCloseTo(0.7225, 4);
    expect(wilson(0, 0).mean).toBeNaN();
  });
  it('t interval of a mean matches a worked example', () => {
    // xs = 1..5: mean 3, sd 1.5811, se 0.7071, t(4) = 2.776 → half-width 1.963
    const e = meanCI([1, 2, 3, 4, 5]);
    expect(e.mean).toBe(3);
    expect(e.lo).toBeCloseTo(3 - 1.9629, 3);
    expect(e.hi).toBeCloseTo(3 + 1.9629, 3);
    expect(meanCI([7, 7, 7])).toEqual({ n: 3, mean: 7, lo: 7, hi: 7 });
  });
  it('formats as percentages', () => {
    expect(formatEstimate(wilson(7, 10), 100)).toBe('70.0 [39.7, 89.2]');
    expect(formatEstimate(meanCI([5]), 1, 2)).toBe('5.00');
  });
});
