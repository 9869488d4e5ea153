import { describe, expect, it } from 'vitest';
import { computeReward, normalizeColor, tokenSetRatio, type Goal } from '../../src/envs/webshop/index.js';
import { testWorld, webshopRoot } from './world.js';

describe('reward helpers', () => {
  it('normalises colours to the first known colour contained', () => {
    expect(normalizeColor('jet black')).toBe('black');
    expect(normalizeColor('navy blue')).toBe('blue'); // "blue" precedes "navy" in the list
    expect(normalizeColor('rectangular')).toBe('tan');
    expect(normalizeColor('webshop')).toBe('webshop');
  });
  it('uses token-set ratio with full processing', () => {
    expect(tokenSetRatio('long-lasting', 'long lasting')).toBe(100);
    expect(tokenSetRatio('pack of 12', '12 pack')).toBe(100);
    // Shared tokens dominate: the reference's threshold (> 85) lets these two sizes match.
    expect(tokenSetRatio('8.5 fl oz (pack of 1)', '10.6 fl oz (pack of 1)')).toBe(88);
    expect(tokenSetRatio('butter', 'fresh')).toBeLessThanOrEqual(85);
  });
  it('remembers ratios per ordered pair, and stays right once its bound has been passed', () => {
    // Pairs that differ only by where the text is split must not share a remembered ratio.
    expect(tokenSetRatio('8.5 fl oz', '(pack of 1) 10.6 fl oz (pack of 1)')).not.toBe(tokenSetRatio('8.5 fl oz (pack of 1)', '10.6 fl oz (pack of 1)'));
    for (let i = 0; i < 25_000; i++) tokenSetRatio(`size ${i}`, 'size 7');
    expect(tokenSetRatio('8.5 fl oz (pack of 1)', '10.6 fl oz (pack of 1)')).toBe(88);
    expect(tokenSetRatio('size 7', 'size 7')).toBe(100);
  });
});

describe.skipIf(!webshopRoot)('reward on a real product (Palmer\'s lotion, synthetic goal 2141)', () => {
  const goalOf = async () => {
    const w = await testWorld();
    const goal = w.syntheticGoals.get(2141);
    return { w, goal, product: w.product(goal.asin)! };
  };

  it('is the goal the reference order gives', async () => {
    const { goal } = await goalOf();
    expect(goal.instruction_text).toBe('Find me animal testing, paraben free body care for dry skin with scent: butter, and size: 10.6 fl oz (pack of 1), and price lower than 30.00 dollars');
    expect(goal.goal_options).toEqual({ scent: 'butter', size: '10.6 fl oz (pack of 1)' });
  });

  it('gives 1.0 for the right product, options and price', async () => {
    const { goal, product } = await goalOf();
    const r = computeReward(goal, product, { scent: 'butter', size: '10.6 fl oz (pack of 1)' }, 5.99);
    expect(r.reward).toBe(1);
    expect(r.parts).toMatchObject({ r_type: 1, query_match: true, category_match: true, title_score: 1, num_attr_matches: 3, num_option_matches: 2, r_price: true, w_att: 3 / 6, w_option: 2 / 6, w_price: 1 / 6 });
  });

  it('loses one sixth for a wrong option', async () => {
    const { goal, product } = await goalOf();
    const r = computeReward(goal, product, { scent: 'fresh', size: '10.6 fl oz (pack of 1)' }, 5.99);
    expect(r.reward).toBeCloseTo(5 / 6, 12);
    expect(r.parts.matched_options).toEqual(['size: 10.6 fl oz (pack of 1)']);
    expect(r.parts.missed_options).toEqual(['scent: butter']);
    expect(r.parts.r_option).toBe(0.5);
  });

  it('loses the price share over the cap', async () => {
    const { goal, product } = await goalOf();
    const r = computeReward(goal, product, { scent: 'butter', size: '10.6 fl oz (pack of 1)' }, 30.01);
    expect(r.reward).toBeCloseTo(5 / 6, 12);
    expect(r.parts).toMatchObject({ r_price: false, price: 30.01, price_upper: 30 });
  });

  it('scores a wrong product by its attributes, options and type', async () => {
    const { w, goal } = await goalOf();
    const wrong = w.product('B06Y3VLDFB')!; // a reclaimed-wood console table
    const r = computeReward(goal, wrong, {}, 877.8);
    expect(r.parts).toMatchObject({ query_match: false, category_match: false, title_score: 0, r_type: 0, num_attr_matches: 0, num_option_matches: 0, r_price: false });
    expect(r.reward).toBe(0);
  });

  it('halves the reward for a product of a loosely related type', async () => {
    const { goal, product } = await goalOf();
    // Same goal; a lotion of another brand and category: 1 of the goal's 4 title nouns (palmer, mens, body, face?) shared.
    const other = { ...product, name: 'Generic Hand Lotion', Title: 'Generic Hand Lotion', query: 'hand care', product_category: 'Health › Hands' };
    const r = computeReward(goal, other, { scent: 'butter', size: '10.6 fl oz (pack of 1)' }, 5.99);
    expect(r.parts.query_match).toBe(false);
    expect(r.parts.category_match).toBe(false);
    expect(r.parts.title_score).toBeGreaterThanOrEqual(0.1);
    expect(r.parts.title_score).toBeLessThanOrEqual(0.2);
    expect(r.parts.r_type).toBe(0.5);
    expect(r.reward).toBeCloseTo(0.5, 12);
  });

  it('takes goals written by hand, with list options and colour normalisation', async () => {
    const { product } = await goalOf();
    const goal: Goal = { asin: product.asin, instruction_text: 'x', attributes: ['paraben free', 'vegan'], goal_options: ['fresh'], price_upper: 10, name: product.name, query: product.query, product_category: product.product_category };
    const r = computeReward(goal, product, { scent: 'fresh' }, 5.99);
    // paraben free matches, vegan does not; 'fresh' matches; price fits: (1 + 1 + 1) / 4.
    expect(r.reward).toBeCloseTo(0.75, 12);
    expect(r.parts.missed_attributes).toEqual(['vegan']);
  });
});
