/**
 * The JSON extractor's scan (src/llm/json-extract.ts) on the texts that make a naive scan slow: it must give exactly
 * what the definition gives (every `{`, or `[` with arrays, tried in order with its own balanced scan), and answer
 * at once for degenerate model output such as a long run of opening braces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancedEnd, escapeControlsInStrings, extractJson, type ExtractOptions, type JsonExtraction } from '../../src/llm/json-extract.js';

const RUNS = { seed: 1414, numRuns: 400 } as const;

function lenient(s: string): unknown {
  try { return JSON.parse(s); } catch (e) {
    const escaped = escapeControlsInStrings(s);
    if (escaped === s) throw e;
    return JSON.parse(escaped);
  }
}

/** The definition, one balanced scan per candidate start (quadratic, fine for short texts). */
function reference(text: string, opts: ExtractOptions = {}): JsonExtraction {
  const accept = opts.accept ?? (() => true);
  const trimmed = text.trim();
  try {
    const value = lenient(trimmed);
    if (value !== null && typeof value === 'object' && (opts.arrays || !Array.isArray(value)) && accept(value)) {
      return { ok: true, value, start: text.indexOf(trimmed), end: text.indexOf(trimmed) + trimmed.length };
    }
  } catch { /* scan */ }
  let firstError: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '{' && !(opts.arrays && c === '[')) continue;
    const end = balancedEnd(text, i);
    if (end < 0) { firstError ??= `the ${c === '{' ? 'object' : 'array'} opened at character ${i} is never closed`; continue; }
    try {
      const value = lenient(text.slice(i, end));
      if (accept(value)) return { ok: true, value, start: i, end };
      firstError ??= `the JSON at character ${i} is not what was asked for`;
    } catch (e) {
      firstError ??= `invalid JSON at character ${i}: ${(e as Error).message}`;
    }
  }
  return { ok: false, error: firstError ?? `no JSON ${opts.arrays ? 'object or array' : 'object'} found` };
}

/** Texts dense in brackets, quotes and escapes, with real JSON mixed in. */
const bracketSoup = fc.array(fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('{', '}', '[', ']', '"', '\\', '\\"', ':', ',', '1', 'a', ' ', '\n', '\t', '{"a":', '"x"', '[1,', 'null') },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  // As models write it: raw line breaks and tabs inside strings.
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v).replace(/\\n/g, '\n').replace(/\\t/g, '\t')) },
  { weight: 1, arbitrary: fc.constantFrom('{"a": "x\ny"}', '["\t"]', '{"a":\n1}') },
), { maxLength: 40 }).map((p) => p.join(''));
const options = fc.constantFrom<ExtractOptions>(
  {}, { arrays: true },
  { accept: (v) => typeof v === 'object' && v !== null && 'a' in v },
  { arrays: true, accept: (v) => Array.isArray(v) && v.length > 1 },
);

describe('extractJson scan', () => {
  it('gives exactly what one balanced scan per candidate start gives', () => {
    fc.assert(fc.property(bracketSoup, options, (text, opts) => {
      expect(extractJson(text, opts)).toEqual(reference(text, opts));
    }), RUNS);
  });

  it('answers at once for 200,000 brackets that never close or that nest invalid JSON (a model stuck in a loop)', () => {
    const braces = '{'.repeat(200_000);
    expect(extractJson(braces)).toEqual({ ok: false, error: 'the object opened at character 0 is never closed' });
    expect(extractJson(`{"a": 1} ${'['.repeat(200_000)}`, { arrays: true, accept: (v) => Array.isArray(v) }))
      .toEqual({ ok: false, error: 'the JSON at character 0 is not what was asked for' });
    expect(extractJson(`${'{"k": '.repeat(50_000)}{"indexes": [1]}`, { accept: (v) => typeof v === 'object' && v !== null && 'indexes' in v }))
      .toEqual({ ok: true, value: { indexes: [1] }, start: 300_000, end: 300_016 });
    // Every enclosing candidate is invalid JSON; the innermost `{}` is the first that parses.
    expect(extractJson(`${'{'.repeat(100_000)}${'}'.repeat(100_000)}`)).toEqual({ ok: true, value: {}, start: 99_999, end: 100_001 });
  });
});
