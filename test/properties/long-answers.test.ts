/**
 * Answers as long as the response cap (1 MiB of text) from a model stuck in a loop: the action and thought parsers
 * read them at once. The linear readers that replaced backtracking regexes give exactly what those regexes gave,
 * which stay here as the definitions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAction, parseThought, unwrap } from '../../src/agents/parse.js';
import { normaliseAlfworldAction } from '../../src/agents/prompts/alfworld.js';
import { normaliseWebshopAction } from '../../src/agents/prompts/webshop.js';
import { parseStrategy } from '../../src/agents/sotopia/strategist.js';

const RUNS = { seed: 1414, numRuns: 500 } as const;
const CAP = 1 << 20;

const join = (p: string[]) => p.join('');
/** Pieces these readers react to: verbs, brackets, wrappers, stops, spaces and line breaks. */
const piece = fc.constantFrom(
  'search', 'click', 'SEARCH', 'Click', 'xclick', '[', ']', '[]', ' ', '  ', '\t', '\n', '\r', '\r\n', '\u2028', '\u00a0', '\ufeff',
  'a', 'b 2', 'go to', 'desk 1', 'look', '.', '!', ';', '"', "'", '`', '**', '“', '”', '<', '>', '> ', '_',
);
const noise = (max: number) => fc.array(piece, { maxLength: max }).map(join);
/** WebShop-like: verbs with brackets around noise (closed or not), between noise. */
const webshopLike = fc.array(fc.oneof(noise(3), fc.tuple(
  fc.constantFrom('search', 'click', 'SEARCH', 'Click', 'xclick'), fc.constantFrom('', ' ', '\n'), fc.constant('['), noise(4), fc.constantFrom(']', '', ' ]', '\n]', '\u2028]'),
).map(join)), { maxLength: 4 }).map(join);
/** ALFWorld-like: a command, wrapped or not, then stops, spaces and stray words. */
const alfworldLike = fc.tuple(
  fc.constantFrom('', '> ', '"', '**', '<', ' '), fc.constantFrom('go to desk 1', 'look', 'LOOK', 'take mug 1 from desk 1', 'jump'),
  fc.array(fc.constantFrom(' ', '.', '!', ';', '\t', '\n', '"', '**', '>', 'x'), { maxLength: 5 }).map(join),
).map(join);
/** A SOTOPIA strategist's answer: a tagged line (bold, spaced, quoted) among other lines. */
const strategyLike = fc.array(fc.oneof(noise(4), fc.tuple(
  fc.constantFrom('', '*', '**', ' '), fc.constantFrom('Strategy', 'STRATEGY', 'strategy'), fc.constantFrom('', ' ', '  '), fc.constantFrom('', '*', '**', '** '),
  fc.constantFrom(':', ''), fc.constantFrom('', ' ', '**', ' "', '“'), noise(3), fc.constantFrom('', '"', '”', '."', "'"),
).map(join)), { maxLength: 3 }).map((l) => l.join('\n'));
const answer = fc.oneof(noise(16), webshopLike, alfworldLike, strategyLike);

/** normaliseWebshopAction as the regex it replaced defined it. */
function webshopByRegex(candidate: string): string | undefined {
  const m = /\b(search|click)\s*\[\s*(.*?)\s*\]/i.exec(candidate);
  if (!m || !m[2]) return undefined;
  return `${m[1].toLowerCase()}[${m[2]}]`;
}

/** normaliseAlfworldAction with the trailing-stop regex it replaced. */
function alfworldByRegex(candidate: string): string | undefined {
  const trailing = /[\s.!;]+$/;
  const bare = unwrap(candidate.replace(trailing, ''));
  const a = bare.toLowerCase().replace(/^>\s*/, '').replace(trailing, '').replace(/\s+/g, ' ').trim();
  return /^(go to|open|close|take|move|put|clean|heat|cool|use|slice|examine|look|inventory|help)\b/.test(a) ? a : undefined;
}

/** parseStrategy with the regexes it replaced. */
function strategyByRegex(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const tagged = lines.find((l) => /^\**\s*strategy\s*\**\s*:/i.test(l));
  const line = tagged ? tagged.replace(/^\**\s*strategy\s*\**\s*:\s*\**\s*/i, '') : lines[0] ?? '';
  return line.replace(/^["'“]+|["'”]+$/g, '').trim();
}

/** unwrap with the k-fold marks built at each step, as it was. */
function unwrapByRepeat(s: string): string {
  const inside = (t: string, a: string, b: string) => {
    let k = 0;
    while (t.length >= (k + 1) * (a.length + b.length) && t.startsWith(a.repeat(k + 1)) && t.endsWith(b.repeat(k + 1))) k++;
    const inner = t.slice(k * a.length, t.length - k * b.length);
    return k > 0 && !inner.includes(a) && !inner.includes(b) ? inner : undefined;
  };
  let t = s.trim();
  for (let changed = true; changed && t.length > 0;) {
    changed = false;
    for (const [a, b] of [['"', '"'], ["'", "'"], ['`', '`'], ['**', '**'], ['“', '”'], ['<', '>']]) {
      const inner = inside(t, a, b);
      if (inner !== undefined) { t = inner.trim(); changed = true; }
    }
  }
  return t;
}

describe('the linear readers give what the regexes gave', () => {
  it('WebShop actions', () => {
    fc.assert(fc.property(answer, (a) => { expect(normaliseWebshopAction(a)).toBe(webshopByRegex(a)); }), RUNS);
  });
  it('ALFWorld actions', () => {
    fc.assert(fc.property(answer, (a) => { expect(normaliseAlfworldAction(a)).toBe(alfworldByRegex(a)); }), RUNS);
  });
  it('SOTOPIA strategies', () => {
    fc.assert(fc.property(answer, (a) => { expect(parseStrategy(a)).toBe(strategyByRegex(a)); }), RUNS);
  });
  it('unwrapping', () => {
    fc.assert(fc.property(answer, (a) => { expect(unwrap(a)).toBe(unwrapByRepeat(a)); }), RUNS);
  });
});

describe('answers at the response cap are read at once', () => {
  const spaces = ' '.repeat(CAP);
  it('a label followed by spaces and no colon', () => {
    expect(parseThought(`Thought${spaces}x`)).toEqual({ value: 'Thought x', noise: ['missing prefix'] });
    expect(parseAction(`Action${spaces}go to desk 1`, { normalise: normaliseAlfworldAction }))
      .toEqual({ value: '', error: 'no action found in the answer', noise: ['missing prefix'] });
  });
  it('WebShop: spaces inside a bracket that never closes', () => {
    expect(normaliseWebshopAction(`click[${spaces}x`)).toBeUndefined();
    expect(normaliseWebshopAction(`search[${spaces}x${spaces}`)).toBeUndefined();
    expect(parseAction(`Action: search[${spaces}lotion${spaces}]`, { normalise: normaliseWebshopAction })).toMatchObject({ value: 'search[lotion]' });
  });
  it('ALFWorld: spaces or stops before a last word', () => {
    expect(normaliseAlfworldAction(`go to desk 1${spaces}x`)).toBe('go to desk 1 x');
    expect(normaliseAlfworldAction(`look${'.'.repeat(CAP)}x`)).toBe(`look${'.'.repeat(CAP)}x`);
  });
  it('SOTOPIA: a tag followed by spaces and no colon, quotes before a last word', () => {
    expect(parseStrategy(`Strategy${spaces}x`)).toBe(`Strategy${spaces}x`);
    expect(parseStrategy(`Strategy: be kind${'"'.repeat(CAP)}x`)).toBe(`be kind${'"'.repeat(CAP)}x`);
  });
  it('deeply nested wrappers', () => {
    expect(unwrap(`${'<'.repeat(CAP / 2)}look${'>'.repeat(CAP / 2)}`)).toBe('look');
    expect(unwrap('"'.repeat(CAP))).toBe('');
    expect(unwrap(`${'**'.repeat(CAP / 4)}go to desk 1${'**'.repeat(CAP / 4)}`)).toBe('go to desk 1');
  });
});
