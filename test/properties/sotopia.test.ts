/**
 * Properties of the SOTOPIA parsers: the actor's reply → action (src/agents/sotopia/actor.ts actionSchema, then
 * episode-rules.ts normaliseAction) and the evaluator's reply → scores (src/envs/sotopia/evaluator.ts). Any JSON gives
 * a value or a validation error, never a crash; what is accepted is within the rules (allowed types, scores within
 * each dimension's range); a reply written as the prompt asks reads back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionSchema } from '../../src/agents/sotopia/actor.js';
import { ACTION_TYPES, EPO_ACTION_TYPES, normaliseAction, type ActionType } from '../../src/envs/sotopia/episode-rules.js';
import { DIMENSIONS, evaluationSchema, flatScores, RANGES, type Dimension } from '../../src/envs/sotopia/evaluator.js';
import { extractJson } from '../../src/llm/json-extract.js';
import { anyJson, braceFreeProse, RUNS } from './arbitraries.js';

const typeSets = fc.constantFrom<readonly ActionType[]>(ACTION_TYPES, EPO_ACTION_TYPES, ['speak'], ['none', 'leave']);
const spoken = fc.string({ unit: 'grapheme', maxLength: 30 });

describe('SOTOPIA actor reply → action', () => {
  it('any JSON is an allowed action or a validation error, never a crash; none and leave carry no argument', () => {
    const reply = fc.oneof(anyJson, fc.record({ action_type: fc.oneof(fc.constantFrom(...ACTION_TYPES, 'Speak', 'non_verbal_communication', 'dance'), fc.string()), argument: fc.oneof(spoken, anyJson) }, { requiredKeys: [] }));
    fc.assert(fc.property(typeSets, reply, (types, v) => {
      const r = actionSchema(types).safeParse(v);
      if (!r.success) return;
      expect(types).toContain(r.data.type);
      expect(r.data.argument).toBe(r.data.argument.trim());
      if (r.data.type === 'none' || r.data.type === 'leave') expect(r.data.argument).toBe('');
      expect(normaliseAction(r.data)).toEqual(r.data);
    }), RUNS);
  });

  it('a reply written as the prompt asks, in prose, reads back (type spelling tolerated, argument trimmed)', () => {
    const spelling = (t: ActionType) => fc.constantFrom(t, t.toUpperCase(), ` ${t} `, t.replace(/ /g, '_'), t.replace('-', ' ').replace(/ /g, '_'));
    const reply = fc.constantFrom(...ACTION_TYPES).chain((t) => fc.tuple(fc.constant(t), spelling(t)));
    fc.assert(fc.property(reply, spoken, fc.constantFrom('', ' ', '\n'), braceFreeProse, braceFreeProse, ([type, written], said, pad, before, after) => {
      const found = extractJson(`${before}${JSON.stringify({ action_type: written, argument: `${pad}${said}${pad}` })}${after}`);
      expect(found.ok).toBe(true);
      if (!found.ok) return;
      const argument = type === 'none' || type === 'leave' ? '' : said.trim();
      expect(actionSchema(ACTION_TYPES).parse(found.value)).toEqual({ type, argument });
    }), RUNS);
  });

  it('normaliseAction trims, empties none and leave, and is idempotent', () => {
    fc.assert(fc.property(fc.constantFrom(...ACTION_TYPES), spoken, (type, argument) => {
      const a = normaliseAction({ type, argument });
      expect(a.type).toBe(type);
      expect(a.argument).toBe(type === 'none' || type === 'leave' ? '' : argument.trim());
      expect(normaliseAction(a)).toEqual(a);
    }), RUNS);
  });
});

/** A score as a judge may write it: in range, out of range, fractional, as a string, or not a number at all. */
const writtenScore = (d: Dimension) => {
  const [lo, hi] = RANGES[d];
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: lo, max: hi }) },
    { weight: 1, arbitrary: fc.oneof(fc.integer({ min: lo - 20, max: lo - 1 }), fc.integer({ min: hi + 1, max: hi + 20 })) },
    { weight: 1, arbitrary: fc.double({ min: lo - 1, max: hi + 1, noNaN: true }) },
    { weight: 1, arbitrary: fc.integer({ min: lo - 2, max: hi + 2 }).map((k) => fc.constantFrom(String(k), ` ${k} `)).chain((a) => a) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, '', ' ', true, false, [], [3], {}, 'seven', '7/10', 'NaN', 'Infinity') },
  );
};
/** The value a written score stands for, or undefined when it is not a number from the range. */
function meant(d: Dimension, v: unknown): number | undefined {
  const [lo, hi] = RANGES[d];
  const x = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : undefined;
  return x !== undefined && x >= lo && x <= hi ? x : undefined;
}

const seat = fc.record(Object.fromEntries(DIMENSIONS.map((d) => [d, fc.record({ score: writtenScore(d), reasoning: fc.string({ maxLength: 10 }), pair: fc.boolean() })])) as Record<Dimension, fc.Arbitrary<{ score: unknown; reasoning: string; pair: boolean }>>);
const written = (s: Record<Dimension, { score: unknown; reasoning: string; pair: boolean }>) =>
  Object.fromEntries(DIMENSIONS.map((d) => [d, s[d].pair ? [s[d].reasoning, s[d].score] : { reasoning: s[d].reasoning, score: s[d].score }]));

describe('SOTOPIA evaluator reply → scores', () => {
  it('any JSON is a valid evaluation or a validation error, never a crash', () => {
    fc.assert(fc.property(anyJson, (v) => {
      const r = evaluationSchema.safeParse(v);
      if (!r.success) return;
      for (const s of r.data.seats) {
        for (const d of DIMENSIONS) expect(Number.isFinite(s[d].score) && s[d].score >= RANGES[d][0] && s[d].score <= RANGES[d][1], `${d} ${s[d].score}`).toBe(true);
      }
    }), RUNS);
  });

  it('a reply is accepted only when every score is a number from its range, and keeps exactly those numbers', () => {
    fc.assert(fc.property(seat, seat, fc.boolean(), (a, b, referenceKeys) => {
      const reply = referenceKeys ? { agent_1_evaluation: written(a), agent_2_evaluation: written(b) } : { agent_1: written(a), agent_2: written(b) };
      const r = evaluationSchema.safeParse(JSON.parse(JSON.stringify(reply)));
      const expected = [a, b].map((s) => DIMENSIONS.map((d) => meant(d, s[d].score)));
      expect(r.success).toBe(expected.every((s) => s.every((x) => x !== undefined)));
      if (!r.success) return;
      r.data.seats.forEach((s, i) => {
        const flat = flatScores(s);
        DIMENSIONS.forEach((d, k) => {
          expect(flat[d]).toBe(expected[i][k]);
          expect(s[d].reasoning).toBe([a, b][i][d].reasoning);
        });
        const scores = DIMENSIONS.map((d) => flat[d]);
        expect(flat.overall).toBeCloseTo(scores.reduce((x, y) => x + y, 0) / scores.length, 9);
        expect(flat.overall).toBeGreaterThanOrEqual(Math.min(...scores) - 1e-9);
        expect(flat.overall).toBeLessThanOrEqual(Math.max(...scores) + 1e-9);
      });
    }), RUNS);
  });
});

describe('defects the properties found', () => {
  const full = (over: Partial<Record<Dimension, unknown>>) =>
    Object.fromEntries(DIMENSIONS.map((d) => [d, { reasoning: 'r', score: d in over ? over[d] : RANGES[d][1] }]));
  it('a score that is not a number (null, "", true, [5]) is rejected, not counted as a number', () => {
    for (const bad of [null, '', ' ', true, [5], []]) {
      const r = evaluationSchema.safeParse({ agent_1: full({ secret: bad }), agent_2: full({}) });
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(JSON.stringify(r.error?.issues)).toContain('secret score must be a number from -10 to 0');
    }
  });
  it('a score written as a numeric string is still read', () => {
    const r = evaluationSchema.parse({ agent_1: full({ goal: '7', secret: ' -2.5 ' }), agent_2: full({}) });
    expect(flatScores(r.seats[0])).toMatchObject({ goal: 7, secret: -2.5 });
  });
});
