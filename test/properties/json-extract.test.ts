/**
 * Properties of the shared JSON extractor (src/llm/json-extract.ts): any text gives a value or an error, never a
 * crash; what it finds is exactly the text between `start` and `end`; an object embedded in prose comes out intact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControlsInStrings, extractJson } from '../../src/llm/json-extract.js';
import { braceFreeProse, messyText, RUNS } from './arbitraries.js';

/** A JSON object as JSON.parse returns it (so it compares equal after a round trip). */
const jsonObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 })
  .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);

/** How a model lays the JSON out: compact or indented, bare or in a code fence. */
const layout = fc.record({ indent: fc.constantFrom(0, 2), fence: fc.constantFrom('', '```\n', '```json\n') });
const lay = (v: unknown, l: { indent: number; fence: string }) => {
  const json = JSON.stringify(v, null, l.indent || undefined);
  return l.fence ? `${l.fence}${json}\n\`\`\`` : json;
};

/** Bare JSON (an object, an array or a scalar) with blank space around it. */
const bareJson = fc.tuple(fc.constantFrom('', ' ', '\n'), fc.oneof(jsonObject, fc.jsonValue({ maxDepth: 2 })), fc.constantFrom('', ' \n'))
  .map(([a, v, b]) => `${a}${JSON.stringify(v)}${b}`);
/** Prose that may hold other JSON objects before the one wanted. */
const proseWithJson = fc.array(fc.oneof(messyText, jsonObject.map((o) => JSON.stringify(o))), { maxLength: 3 }).map((p) => p.join(' '));

describe('JSON extraction', () => {
  it('never throws; a find is an object (or array when asked) that the text between start and end spells', () => {
    fc.assert(fc.property(fc.oneof(messyText, bareJson), fc.boolean(), (text, arrays) => {
      const r = extractJson(text, { arrays });
      if (!r.ok) {
        expect(r.error.length).toBeGreaterThan(0);
        return;
      }
      expect(r.value !== null && typeof r.value === 'object').toBe(true);
      if (!arrays) expect(Array.isArray(r.value)).toBe(false);
      expect(0 <= r.start && r.start < r.end && r.end <= text.length).toBe(true);
      expect(JSON.parse(escapeControlsInStrings(text.slice(r.start, r.end)))).toEqual(r.value);
    }), RUNS);
  });

  it('an object in prose without braces comes out intact, at its place', () => {
    fc.assert(fc.property(braceFreeProse, jsonObject, layout, braceFreeProse, (before, obj, l, after) => {
      const json = JSON.stringify(obj, null, l.indent || undefined);
      const text = `${before}${lay(obj, l)}${after}`;
      const r = extractJson(text);
      expect(r).toMatchObject({ ok: true, value: obj });
      if (r.ok) expect(text.slice(r.start, r.end).trim()).toBe(json);
    }), RUNS);
  });

  it('bare JSON is found whole: an object always, an array only when asked for, a scalar never', () => {
    fc.assert(fc.property(bareJson, fc.boolean(), (text, arrays) => {
      const v: unknown = JSON.parse(text);
      const r = extractJson(text, { arrays });
      const start = text.indexOf(text.trim());
      if (v !== null && typeof v === 'object' && (arrays || !Array.isArray(v))) expect(r).toEqual({ ok: true, value: v, start, end: start + text.trim().length });
      else if (Array.isArray(v)) expect(r.ok && Array.isArray(r.value)).toBe(false); // an object inside may be found
      else expect(r.ok).toBe(false);
    }), RUNS);
  });

  it('an object the caller accepts is found whatever prose (braces, quotes, other JSON) surrounds it', () => {
    fc.assert(fc.property(proseWithJson, jsonObject, layout, messyText, (before, obj, l, after) => {
      const wanted = JSON.stringify(obj);
      const r = extractJson(`${before}${lay(obj, l)}${after}`, { accept: (v) => JSON.stringify(v) === wanted });
      expect(r).toMatchObject({ ok: true, value: obj });
    }), RUNS);
  });

  it('raw line breaks and tabs inside strings (as models write them) are read as such', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\t', '{', '}', '"', ':'), maxLength: 12 });
    fc.assert(fc.property(fc.dictionary(fc.string({ unit: fc.constantFrom('k', 'x'), maxLength: 3 }), text, { minKeys: 1, maxKeys: 3 }), braceFreeProse, (obj, prose) => {
      const raw = JSON.stringify(obj).replace(/\\n/g, '\n').replace(/\\t/g, '\t');
      expect(extractJson(`${prose}${raw}`)).toMatchObject({ ok: true, value: obj });
    }), RUNS);
  });
});
