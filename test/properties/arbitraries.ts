/** Generators shared by the property tests: untrusted text as models, users and files produce it. */
import fc from 'fast-check';
import { expect } from 'vitest';
import { EpoError } from '../../src/core/errors.js';

/** Fixed seed and run count: the properties are deterministic and fast. */
export const RUNS = { seed: 42, numRuns: 200 } as const;

/** Pieces that parsers treat specially: labels, line breaks, wrappers, brackets, braces and markdown. */
const SPECIAL = [
  '\n', '\r\n', '\r', '\u2028', '\t', ' ', '  ', 'Action:', 'action: ', 'Thought:', '**Action:**', 'Observation:', '> ',
  '```', '```json\n', '"', "'", '`', '**', '“', '”', '<', '>', '{', '}', '[', ']', ':', ',', '\\', '.', '!', ';', '#',
  'search[', 'click[', 'go to ', 'look', 'take ', '{"', '": ', 'null', 'true', '1', '-3', '1e400', '\u0000', '\uD800',
];

/** Arbitrary text: any code units, mixed with the pieces parsers react to. */
export const messyText: fc.Arbitrary<string> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  ),
  { maxLength: 24 },
).map((parts) => parts.join(''));

/** Prose with no brace: it cannot start a JSON object of its own. */
export const braceFreeProse: fc.Arbitrary<string> = messyText.map((s) => s.replace(/[{}]/g, ''));

/** Any JSON value (what JSON.parse can hand a parser), with keys that tempt prototype bugs now and then. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'toString', 'indexes', 'model', 'messages', 'agent_1'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
    .map((o) => JSON.parse(JSON.stringify(o)) as unknown),
);

/** A single trimmed line of ordinary words (no line break, no wrapper characters at either end). */
export const words = (alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): fc.Arbitrary<string> =>
  fc.array(fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));

/** Run `f`; anything it throws must be an EpoError (a crash of any other kind fails the property). */
export function onlyEpoError<T>(f: () => T): T | EpoError {
  try {
    return f();
  } catch (e) {
    expect(e, `threw ${String(e)}`).toBeInstanceOf(EpoError);
    return e as EpoError;
  }
}
