import { describe, expect, it } from 'vitest';
import type { Episode } from '../../src/core/episode.js';
import { formatEstimate, meanCI } from '../../src/eval/stats.js';
import { aggregateSotopia, formatSotopiaTable, planSotopia } from '../../src/eval/sotopia.js';
import { DIMENSIONS } from '../../src/envs/sotopia/evaluator.js';
import type { HardEntry } from '../../src/envs/sotopia/hard.js';
import type { Combo } from '../../src/envs/sotopia/profiles.js';

const combos: Combo[] = [
  { id: 'c1', scenarioId: 'A', characterIds: ['p', 'q'] },
  { id: 'c2', scenarioId: 'A', characterIds: ['q', 'r'] },
  { id: 'c3', scenarioId: 'B', characterIds: ['p', 'r'] },
];
const hard: HardEntry[] = [{ scenarioId: 'A', seat: 1 }];

/** An evaluated episode: goal per seat, all other dimensions 0 except believability = 5. */
function ep(id: string, scenarioId: string, testSeats: (0 | 1)[], goals: [number, number], tokens = 100): Episode {
  const scores = (g: number) => ({ ...Object.fromEntries(DIMENSIONS.map((d) => [d, 0])), believability: 5, goal: g, overall: (5 + g) / 7 });
  return {
    id, run: 'r', env: 'sotopia', taskId: id, trial: 0, seed: 0, models: {}, codeVersion: 't', task: { scenarioId, testSeats },
    initialObservation: '', startedAt: '', finishedAt: '', outcome: { reward: 0, success: false, reason: 'left' },
    turns: [{ index: 0, seat: 0, action: '', observation: '', reward: 0, done: true, actor: { input: [], output: '', usage: { promptTokens: tokens, completionTokens: 0, costUsd: 0.001 } } }],
    evaluation: { ok: true, testSeats, seats: [{ character: 'x', scores: scores(goals[0]), reasoning: {} }, { character: 'y', scores: scores(goals[1]), reasoning: {} }] },
  };
}

describe('benchmark plan', () => {
  it('self-play: one episode per task and trial, both seats tested', () => {
    const p = [...planSotopia(combos, { selfPlay: true, seats: [0, 1], taskSet: 'all', trials: 2, hard })];
    expect(p.map((x) => x.id)).toEqual(['c1.self#0', 'c2.self#0', 'c3.self#0', 'c1.self#1', 'c2.self#1', 'c3.self#1']);
    expect(p[0].testSeats).toEqual([0, 1]);
  });
  it('fixed partner: the tested model on each chosen seat; hard keeps only the listed seats of hard scenarios', () => {
    expect([...planSotopia(combos, { selfPlay: false, seats: [0, 1], taskSet: 'all', trials: 1, hard })].map((x) => x.id))
      .toEqual(['c1.s0#0', 'c1.s1#0', 'c2.s0#0', 'c2.s1#0', 'c3.s0#0', 'c3.s1#0']);
    expect([...planSotopia(combos, { selfPlay: false, seats: [0, 1], taskSet: 'hard', trials: 1, hard })].map((x) => x.id)).toEqual(['c1.s1#0', 'c2.s1#0']);
    expect([...planSotopia(combos, { selfPlay: false, seats: [0], taskSet: 'all', trials: 1, hard })].map((x) => x.testSeats)).toEqual([[0], [0], [0]]);
  });
  it('plans 10,000 trials of every task without listing them, and knows where each episode is', () => {
    const many = Array.from({ length: 2760 }, (_, i) => ({ ...combos[0], id: `x${i}` }));
    const p = planSotopia(many, { selfPlay: false, seats: [0, 1], taskSet: 'all', trials: 10_000, hard });
    expect(p.size).toBe(2760 * 2 * 10_000);
    expect(p.position('x0.s0#0')).toBe(0);
    expect(p.position('x1.s1#2')).toBe(2 * 5520 + 3);
    expect(p.position('x1.s1#10000')).toBe(-1); // past the trials
    expect(p.position('nope.s0#0')).toBe(-1);
    const first = p[Symbol.iterator]().next().value!;
    expect(first).toMatchObject({ id: 'x0.s0#0', trial: 0, testSeats: [0] });
  });
});

describe('confidence intervals as the SOTOPIA report uses them', () => {
  it('worked example: goals 6, 8, 7, 9, 5 → 7.00 [5.04, 8.96] (t(4) = 2.776, s = 1.581)', () => {
    const e = meanCI([6, 8, 7, 9, 5]);
    expect(e.mean).toBe(7);
    expect(e.hi - e.mean).toBeCloseTo(2.776 * Math.sqrt(2.5 / 5), 10);
    expect(formatEstimate(e, 1, 2)).toBe('7.00 [5.04, 8.96]');
  });
  it('a constant judge gives a zero-width interval: 7.00 [7.00, 7.00]', () => {
    expect(formatEstimate(meanCI(Array(100).fill(7)), 1, 2)).toBe('7.00 [7.00, 7.00]');
  });
});

describe('aggregation', () => {
  it('fixed partner: all = the tested seats; hard = the listed seat of hard scenarios; partner from the other seats', () => {
    const es = [
      ep('c1.s0#0', 'A', [0], [8, 2]), ep('c1.s1#0', 'A', [1], [3, 6]),
      ep('c2.s0#0', 'A', [0], [9, 1]), ep('c2.s1#0', 'A', [1], [4, 10]),
      ep('c3.s0#0', 'B', [0], [5, 5]), ep('c3.s1#0', 'B', [1], [5, 7]),
    ];
    const r = aggregateSotopia(es, hard, false);
    // tested goals: 8, 6, 9, 10, 5, 7 → mean 7.5
    expect(r.tested.all.n).toBe(6);
    expect(r.tested.all.metrics.goal.mean).toBe(7.5);
    // hard: scenario A seat 1 where the tested model sat there: 6 and 10
    expect(r.tested.hard.n).toBe(2);
    expect(r.tested.hard.metrics.goal.mean).toBe(8);
    expect(formatEstimate(r.tested.hard.metrics.goal, 1, 2)).toBe('8.00 [-17.41, 33.41]'); // t(1) = 12.706, se = 2
    // partner: seat 1 in s0 episodes, seat 0 in s1 episodes: 2, 3, 1, 4, 5, 5 → 3.333; hard: seat 1 of A where the partner sat: 2, 1
    expect(r.partner!.all.metrics.goal.mean).toBeCloseTo(20 / 6, 12);
    expect(r.partner!.hard.metrics.goal.mean).toBe(1.5);
    expect(r.tested.all.metrics.overall.mean).toBeCloseTo((5 + 7.5) / 7, 12);
    expect(r.tokensPerEpisode.mean).toBe(100);
    // Turn 0 is seat 0: the tested actor in s0 episodes, the partner in s1 episodes.
    expect(r.tokensByRole).toEqual({ actor: 50, strategist: 0, partner: 50, partner_strategist: 0, evaluator: 0 });
    expect(formatSotopiaTable(r, { tested: 'm', partner: 'p', evaluator: 'j', protocol: 'fixed', taskSet: 'all' })).toContain('tokens/episode 100 [100, 100] (actor 50, partner 50)');
  });

  it('self-play: both seats count for all; hard takes only the listed seat; unevaluated episodes are listed, not counted', () => {
    const bad = ep('c3.self#0', 'B', [0, 1], [0, 0]);
    (bad.evaluation as { ok: boolean }).ok = false;
    const r = aggregateSotopia([ep('c1.self#0', 'A', [0, 1], [2, 4]), ep('c2.self#0', 'A', [0, 1], [6, 8]), bad], hard, true);
    expect(r.tested.all.n).toBe(4);
    expect(r.tested.all.metrics.goal.mean).toBe(5);
    expect(r.tested.hard.metrics.goal.mean).toBe(6);
    expect(r.unevaluated).toEqual(['c3.self#0']);
    expect(r.partner).toBeUndefined();
    const table = formatSotopiaTable(r, { tested: 'm', evaluator: 'j', protocol: 'self-play', taskSet: 'all' });
    expect(table).toContain('on all (mean [95% CI])');
    expect(table).toContain('on hard (mean [95% CI])');
    expect(table).toMatch(/goal GOAL\s+0\.\.10\s+5\.00 \[/);
    expect(table).toContain('1 awaiting evaluation');
    expect(table).toContain('actor replies: 3, 0 unusable (became none), 0 repaired; evaluations repaired: 0, failed: 1');
  });
});
