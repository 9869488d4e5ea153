/**
 * The WebShop reward's fuzzy match as thefuzz computes it for text beyond Latin-1, and goal options given as a dict
 * compared as the reference's (name, value) pairs on request. Expected ratios were worked out from thefuzz's
 * processing (delete U+0080–U+00FF, letters/numbers of any script lower-cased, anything else a space) and checked
 * against Python's thefuzz.
 */
import { describe, expect, it } from 'vitest';
import { computeReward, tokenSetRatio, type Goal, type Product } from '../../src/envs/webshop/index.js';
import { fullProcess, pyTuple } from '../../src/envs/webshop/thefuzz.js';

describe('thefuzz processing beyond Latin-1', () => {
  it('deletes only U+0080–U+00FF; other scripts stay as letters, other symbols become spaces', () => {
    expect(fullProcess('Größe XL')).toBe('gre xl'); // ö, ß are Latin-1: deleted
    expect(fullProcess('Šedá')).toBe('šed'); // Š (U+0160) kept and lower-cased, á deleted
    expect(fullProcess('红色 (L)')).toBe('红色  l');
    expect(fullProcess('red—blue')).toBe('red blue'); // the em dash (U+2014) is not alphanumeric: a space
    expect(fullProcess('size ① ')).toBe('size ①'); // a circled digit is numeric in Python
  });

  it('scores as thefuzz: CJK values match themselves, dashes split tokens', () => {
    expect(tokenSetRatio('红色', '红色')).toBe(100); // ASCII-only processing left two empty strings: 0
    // tokens {红色, l} / {红色, xl}: ratio("红色 l", "红色 xl") = 1 − 1/9 → 89 (ASCII-only: "l" vs "xl" → 67)
    expect(tokenSetRatio('红色 (L)', '红色 (XL)')).toBe(89);
    expect(tokenSetRatio('red—blue', 'red blue')).toBe(100); // ASCII-only: "redblue" vs "red blue" → 53
    // "šed" vs "seda": 2·|"ed"| / (3 + 4) → 57 (ASCII-only: "ed" vs "seda" → 67)
    expect(tokenSetRatio('Šedá', 'seda')).toBe(57);
  });

  it('a CJK option bought as asked counts (it did not)', () => {
    const product = { asin: 'B0', name: '茶杯 tea cup', Title: '茶杯 tea cup', query: 'tea cup', product_category: 'Home › Kitchen › Cups', BulletPoints: [], Description: '', Attributes: [] } as unknown as Product;
    const goal: Goal = { asin: 'B0', instruction_text: 'x', attributes: [], goal_options: ['红色'], price_upper: 10, name: product.name, query: product.query, product_category: product.product_category };
    const r = computeReward(goal, product, { color: '红色' }, 5);
    expect(r.parts.matched_options).toEqual(['红色']);
    expect(r.reward).toBe(1); // (1 option + price) / 2, r_type 1
  });
});

describe('goal options given as a dict', () => {
  const product = { asin: 'B1', name: 'leather loafer', Title: 'Leather Loafer', query: 'loafers', product_category: 'Shoes › Men › Loafers', BulletPoints: [], Description: '', Attributes: [] } as unknown as Product;
  const goal: Goal = { asin: 'B1', instruction_text: 'x', attributes: [], goal_options: { color: 'r.brown2060', size: '9' }, price_upper: 50, name: product.name, query: product.query, product_category: product.product_category };
  const bought = { color: 'r.brown2060', size: '9' };

  it('as the tuple text thefuzz reads', () => {
    expect(pyTuple('color', 'r.brown2060')).toBe("('color', 'r.brown2060')");
    expect(pyTuple('size', "men's 9")).toBe(`('size', "men's 9")`);
    expect(pyTuple('a', 'x\u00a0y\nz')).toBe("('a', 'x\\xa0y\\nz')");
  });

  it('values (default): buying the exact goal options scores 1', () => {
    expect(computeReward(goal, product, bought, 20).reward).toBe(1);
  });

  it('pairs (the reference): "brown" (from r.brown2060) against "(\'color\', \'r.brown2060\')" is 45, a miss', () => {
    // goal side: no colour equals "color" or "r.brown2060", so the tuple stays; selected side normalises to "brown".
    // tokens {brown} vs {color, r, brown2060}: best ratio("brown", "brown2060 color r") … 45 ≤ 85. Size: "9" vs
    // "('size', '9')" → {9} ⊂ {size, 9} → 100. Reward (0 + 1 + price) / 3.
    expect(tokenSetRatio('brown', "('color', 'r.brown2060')")).toBe(45);
    const r = computeReward(goal, product, bought, 20, { goalOptions: 'pairs' });
    expect(r.parts.missed_options).toEqual(['color: r.brown2060']);
    expect(r.parts.matched_options).toEqual(['size: 9']);
    expect(r.reward).toBeCloseTo(2 / 3, 12);
  });

  it('pairs: a value equal to a colour normalises (Python\'s in on a tuple is equality)', () => {
    const g = { ...goal, goal_options: { color: 'black' } };
    expect(computeReward(g, product, { color: 'jet black' }, 20, { goalOptions: 'pairs' }).parts.matched_options).toEqual(['color: black']);
  });
});
