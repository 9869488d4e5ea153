/**
 * Properties of the judge's answer parser (src/rewards/judge/parse.ts): any answer gives indexes or a problem, never
 * a crash; indexes are always strategy numbers 1..n (returned 0-based), sorted and unique; an answer written as the
 * prompt asks reads back; a number outside 1..n is never taken and is named in the problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJudgeAnswer, type JudgeAnswer, type ParseResult } from '../../src/rewards/judge/parse.js';
import { anyJson, messyText, RUNS, words } from './arbitraries.js';

const turns = fc.integer({ min: 1, max: 30 });

function expectIndexesValid(a: JudgeAnswer, n: number): void {
  for (const k of a.indexes) expect(Number.isInteger(k) && k >= 0 && k < n, `index ${k} of ${n}`).toBe(true);
  expect(a.indexes).toEqual([...new Set(a.indexes)].sort((x, y) => x - y));
}

function expectWellFormed(r: ParseResult, n: number): void {
  if (r.ok) {
    expectIndexesValid(r.answer, n);
    expect(r.answer.invalid).toEqual([]);
  } else {
    expect(r.problem.length).toBeGreaterThan(0);
    if (r.partial) expectIndexesValid(r.partial, n);
  }
}

describe('judge answer parsing', () => {
  it('never throws on any text; indexes are within 1..n, sorted and unique', () => {
    fc.assert(fc.property(messyText, turns, (text, n) => expectWellFormed(parseJudgeAnswer(text, n), n)), RUNS);
  });

  it('never throws on any JSON in the "indexes" field or as the whole answer', () => {
    fc.assert(fc.property(anyJson, turns, (v, n) => {
      expectWellFormed(parseJudgeAnswer(JSON.stringify({ indexes: v, reasoning: 'r' }), n), n);
      expectWellFormed(parseJudgeAnswer(JSON.stringify({ indices: [v] }), n), n);
      expectWellFormed(parseJudgeAnswer(JSON.stringify(v) ?? '', n), n);
    }), RUNS);
  });

  it('an answer written as the prompt asks reads back, in prose or a code fence, numbers or numeric strings', () => {
    const answer = turns.chain((n) => fc.record({
      n: fc.constant(n),
      picks: fc.array(fc.integer({ min: 1, max: n }), { maxLength: 8 }),
      asStrings: fc.boolean(),
      reasoning: fc.string({ maxLength: 20 }),
      before: messyText,
      after: messyText,
      fence: fc.boolean(),
    }));
    fc.assert(fc.property(answer, (a) => {
      const json = JSON.stringify({ indexes: a.picks.map((k) => (a.asStrings ? String(k) : k)), reasoning: a.reasoning });
      const text = `${a.before}${a.fence ? `\n\`\`\`json\n${json}\n\`\`\`\n` : json}${a.after}`;
      const r = parseJudgeAnswer(text, a.n);
      expect(r).toEqual({ ok: true, answer: { indexes: [...new Set(a.picks)].sort((x, y) => x - y).map((k) => k - 1), reasoning: a.reasoning, invalid: [] } });
    }), RUNS);
  });

  it('a number that is not a strategy number is never taken, and the problem names it', () => {
    const bad = (n: number) => fc.oneof(fc.integer({ min: -5, max: 0 }), fc.integer({ min: n + 1, max: n + 100 }), fc.constantFrom(1.5, -0.5, 1e21), words('abcdefghij'), fc.constant(null));
    const answer = turns.chain((n) => fc.tuple(fc.constant(n), fc.array(fc.integer({ min: 1, max: n }), { maxLength: 5 }), fc.array(bad(n), { minLength: 1, maxLength: 3 })));
    fc.assert(fc.property(answer, ([n, good, wrong]) => {
      const r = parseJudgeAnswer(JSON.stringify({ indexes: [...wrong, ...good] }), n);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.partial?.indexes).toEqual([...new Set(good)].sort((x, y) => x - y).map((k) => k - 1));
      for (const w of wrong) expect(r.problem).toContain(JSON.stringify(w));
      expect(r.problem).toContain(`numbered 1 to ${n}`);
    }), RUNS);
  });
});
