import { describe, expect, it } from 'vitest';
import { assignWeights, discountedReturns, makeRule, maxAbsNormalise, referenceRewards, trajectoryWeights } from '../src/rewards/returns.js';
import { outcomeReward } from '../src/rewards/outcome.js';
import { chatEpisode, sotopiaEpisode } from './helpers/strategist-episodes.js';

const close = (xs: number[], want: number[], digits = 3) => {
  expect(xs).toHaveLength(want.length);
  xs.forEach((x, i) => expect(x).toBeCloseTo(want[i], digits));
};
const ref = makeRule('reference');
const none = { process: [0, 0, 0, 0, 0], critical: [] as number[] };

describe('reference rule (EPO as released)', () => {
  it('rewards [0,1,0,0,0.7] (turn 1 picked, outcome 0.7) give weights [0.990, 1.000, 0.409, 0.413, 0.417]', () => {
    const w = trajectoryWeights(ref, { process: [0, 1, 0, 0, 0], critical: [1], outcome: 0.7 });
    close(w.rewards, [0, 1, 0, 0, 0.7], 12);
    close(w.returns, [1.6624, 1.6792, 0.6861, 0.693, 0.7], 4);
    close(w.weights, [0.990, 1.000, 0.409, 0.413, 0.417]);
  });

  it('with no picks the weights are γ^(T−1−t), whatever the outcome (0.1, 0.7, 1.0); only outcome 0 gives zeros', () => {
    for (const outcome of [0.1, 0.7, 1]) close(trajectoryWeights(ref, { ...none, outcome }).weights, [0.99 ** 4, 0.99 ** 3, 0.99 ** 2, 0.99, 1], 12);
    expect(trajectoryWeights(ref, { ...none, outcome: 0 }).weights).toEqual([0, 0, 0, 0, 0]);
  });

  it('a critical last turn gets 1, not the outcome; critical turns get 1 whatever the process reward', () => {
    expect(referenceRewards(3, new Set([2]), 0.3)).toEqual([0, 0, 1]);
    expect(trajectoryWeights(ref, { process: [0.25, 0, 0], critical: [0], outcome: 0 }).rewards).toEqual([1, 0, 0]);
  });

  it('γ is a parameter', () => {
    close(trajectoryWeights(makeRule('reference', { gamma: 0.5 }), { process: [0, 0, 0], critical: [], outcome: 1 }).weights, [0.25, 0.5, 1], 12);
  });
});

describe('discounted, baseline and grpo rules', () => {
  it('discounted keeps the outcome level: process [0,1,0], outcome 0.5, γ 0.9 → G [1.305, 1.45, 0.5]', () => {
    const w = trajectoryWeights(makeRule('discounted', { gamma: 0.9 }), { process: [0, 1, 0], critical: [1], outcome: 0.5 });
    close(w.rewards, [0, 1, 0.5], 12);
    close(w.weights, [1.305, 1.45, 0.5], 12);
    // a failure and a success no longer get the same weights
    const fail = trajectoryWeights(makeRule('discounted'), { process: [0, 0], critical: [], outcome: 0.1 }).weights;
    const win = trajectoryWeights(makeRule('discounted'), { process: [0, 0], critical: [], outcome: 1 }).weights;
    close(fail, [0.099, 0.1], 12);
    close(win, [0.99, 1], 12);
  });

  it('λ scales the process rewards', () => {
    close(trajectoryWeights(makeRule('discounted', { gamma: 1, processScale: 0.5 }), { process: [1, 0], critical: [0], outcome: 1 }).weights, [1.5, 1], 12);
  });

  it('baseline subtracts the task mean: outcomes 1 and 0 of one task → ±0.5 on the last turn, negative for the loser', () => {
    const rule = makeRule('baseline');
    const [win, lose, other] = assignWeights(rule, [
      { process: [0, 0], critical: [], outcome: 1, group: 'a' },
      { process: [0, 0], critical: [], outcome: 0, group: 'a' },
      { process: [0, 0], critical: [], outcome: 0.3, group: 'b' },
    ]);
    close(win.weights, [0.495, 0.5], 12);
    close(lose.weights, [-0.495, -0.5], 12);
    close(other.weights, [0, 0], 12); // a single rollout is its own baseline
  });

  it('baseline keeps process rewards on top of the advantage', () => {
    const [a] = assignWeights(makeRule('baseline', { gamma: 1 }), [
      { process: [1, 0], critical: [0], outcome: 0.2, group: 'g' },
      { process: [0, 0], critical: [], outcome: 0.6, group: 'g' },
    ]);
    close(a.weights, [0.8, -0.2], 12);
  });

  it('grpo divides by the group standard deviation: outcomes 0.8, 0.2, 0.5 → ±1.2247, 0; equal outcomes → 0', () => {
    const rule = makeRule('grpo', { gamma: 1, eps: 0 });
    const ws = assignWeights(rule, [0.8, 0.2, 0.5].map((outcome) => ({ process: [0], critical: [], outcome, group: 'g' })));
    close(ws.map((w) => w.weights[0]), [Math.sqrt(1.5), -Math.sqrt(1.5), 0], 10);
    const same = assignWeights(rule, [1, 1].map((outcome) => ({ process: [0, 0], critical: [], outcome, group: 'h' })));
    expect(same.map((w) => w.weights)).toEqual([[0, 0], [0, 0]]);
  });

  it('pure helpers: G_t and max-abs normalisation', () => {
    close(discountedReturns([1, 2, 3], 0.5), [2.75, 3.5, 3], 12);
    expect(maxAbsNormalise([-2, 1])).toEqual([-1, 0.5]);
    expect(maxAbsNormalise([0, 0])).toEqual([0, 0]);
  });

  it('rejects unknown rules and bad parameters with the flag named', () => {
    expect(() => makeRule('ppo')).toThrow(/unknown return rule "ppo".*--rule/);
    expect(() => makeRule('reference', { gamma: 1.5 })).toThrow(/gamma must be in \[0, 1\].*--gamma/);
  });
});

describe('outcome rewards', () => {
  it('ALFWorld 0/1, WebShop as is, SOTOPIA goal/10 of the seat', () => {
    expect(outcomeReward(chatEpisode({ outcome: 1 }))).toBe(1);
    expect(outcomeReward(chatEpisode({ outcome: 0 }))).toBe(0);
    expect(outcomeReward(chatEpisode({ env: 'webshop', outcome: 0.625 }))).toBe(0.625);
    const s = sotopiaEpisode([7, 3]);
    expect(outcomeReward(s, 0)).toBe(0.7);
    expect(outcomeReward(s, 1)).toBeCloseTo(0.3, 12);
    // the rollout's evaluation shape: per-seat scores; a failed evaluation has no outcome
    s.evaluation = { ok: true, seats: [{ character: 'A', scores: { goal: 9 } }, { character: 'B', scores: { goal: 4 } }] };
    expect(outcomeReward(s, 0)).toBe(0.9);
    s.evaluation = { ok: false };
    expect(() => outcomeReward(s, 0)).toThrow(/SOTOPIA evaluation of this episode failed.*scenario-1#0/);
    expect(outcomeReward({ ...s, evaluation: undefined, outcome: { reward: 0.5, success: false, reason: 'max_turns', seatRewards: [0.5, 0.6] } }, 1)).toBe(0.6);
  });
});
