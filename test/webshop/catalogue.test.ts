import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexText, parsePricing, processRawProduct, productPrice } from '../../src/envs/webshop/catalogue.js';
import { generateProducts, writeCatalogue } from '../../src/envs/webshop/generate.js';
import { priceCap } from '../../src/envs/webshop/goals.js';
import { loadIndex, saveIndex } from '../../src/envs/webshop/index-cache.js';
import { readJsonArray } from '../../src/envs/webshop/read-json.js';
import { Bm25Index, loadWebShop, WebShopEnv, webshopTasks } from '../../src/envs/webshop/index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'epo-webshop-'));

describe('raw catalogue processing (as load_products)', () => {
  const raw = {
    asin: 'B000TEST01', name: 'Acme Trail Shoe', full_description: 'Light shoe.', small_description: 'Grippy sole',
    pricing: '$19.99 - $29.99', product_category: 'Shoes › Men', category: 'fashion', query: ' Trail Shoes ', images: ['img1.jpg'],
    customization_options: { Color: [{ value: 'Black/Red ' }, { value: 'Navy' }], Size: null },
  };
  it('normalises fields, options and prices', () => {
    const attrs = new Map([['B000TEST01', { attributes: ['rubber sole'] }]]);
    const p = processRawProduct(raw, attrs)!;
    expect(p).toMatchObject({ Title: 'Acme Trail Shoe', BulletPoints: ['Grippy sole'], pricing: [19.99, 29.99], Price: '$19.99 to $29.99', options: { color: ['black | red', 'navy'] }, Attributes: ['rubber sole'], query: 'trail shoes', Rating: 'N.A.', MainImage: 'img1.jpg' });
    expect(indexText(p)).toBe('acme trail shoe light shoe. grippy sole color: black | red, navy');
    expect(processRawProduct({ ...raw, asin: 'nan' }, attrs)).toBeUndefined();
    expect(processRawProduct(raw, new Map())!.Attributes).toEqual(['DUMMY_ATTR']);
  });
  it('parses prices like the original and draws range prices from a seed', () => {
    expect(parsePricing('')).toEqual({ pricing: [100], Price: '$100.0' });
    expect(parsePricing('$12')).toEqual({ pricing: [12], Price: '$12.0' });
    const p = processRawProduct(raw, new Map())!;
    const a = productPrice(p, 1), b = productPrice(p, 1), c = productPrice(p, 2);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toBeGreaterThanOrEqual(19.99);
    expect(a).toBeLessThan(29.99);
  });
  it('caps goal prices at the larger of two of the next four multiples of ten', () => {
    for (let s = 0; s < 20; s++) expect([20, 30, 40]).toContain(priceCap(5.99, s, 'x').price_upper);
    expect(priceCap(985, 0, 'x')).toEqual({ price_upper: 1_000_000, price_text: '' });
    expect(priceCap(12, 3, 'a').price_text).toMatch(/^, and price lower than \d+\.00 dollars$/);
  });
  it('streams a JSON array with braces inside strings', () => {
    const dir = tmp();
    const f = join(dir, 'a.json');
    writeFileSync(f, '[{"a": "x}{\\"]"}, {"b": [1, {"c": 2}]}\n]');
    expect([...readJsonArray(f)]).toEqual([{ a: 'x}{"]' }, { b: [1, { c: 2 }] }]);
  });
});

describe('search index cache', () => {
  it('round-trips through disk and rejects another catalogue', () => {
    const idx = Bm25Index.build(['red shoes', 'blue shoes', 'green hat for the sun']);
    const f = join(tmp(), 'i.bin');
    saveIndex(f, 'k1', idx);
    const back = loadIndex(f, 'k1')!;
    expect(back.search('shoes hat')).toEqual(idx.search('shoes hat'));
    expect(back.data.terms).toEqual(idx.data.terms);
    expect(loadIndex(f, 'other')).toBeUndefined();
  });
});

describe('generated catalogue', () => {
  it('is deterministic and loads as a world with goals', async () => {
    const a = [...generateProducts(50, 3)].map((g) => g.product.Title);
    const b = [...generateProducts(50, 3)].map((g) => g.product.Title);
    expect(a).toEqual(b);
    expect(new Set([...generateProducts(200, 3)].map((g) => g.product.asin)).size).toBe(200);
    const dir = tmp();
    await writeCatalogue(dir, 300, 5);
    const w = await loadWebShop({ catalogue: dir, cacheDir: join(dir, 'cache') });
    expect(w.products).toHaveLength(300);
    const tasks = webshopTasks(w, { split: 'synthetic', limit: 5 });
    expect(tasks.length).toBe(5);
    const g = tasks[0].goal;
    const env = new WebShopEnv(w);
    env.reset(tasks[0]);
    env.step(`search[${g.name}]`);
    env.step(`click[${g.asin.toLowerCase()}]`);
    for (const v of Object.values(g.goal_options as Record<string, string>)) env.step(`click[${v}]`);
    const r = env.step('click[buy now]');
    expect(r.reward).toBe(1);

    // A second load opens the cached index and catalogue summary and sees the same world.
    const msgs: string[] = [];
    const again = await loadWebShop({ catalogue: dir, cacheDir: join(dir, 'cache'), onProgress: (m) => msgs.push(m) });
    expect(msgs.some((m) => m.includes('cached summary'))).toBe(true);
    expect(again.dataVersion).toBe(w.dataVersion);
    expect(again.syntheticGoals.length).toBe(w.syntheticGoals.length);
    expect(again.syntheticGoals.get(7)).toEqual(w.syntheticGoals.get(7));
    expect(again.price(g.asin)).toBe(w.price(g.asin));
    expect(again.index.search(g.name!)).toEqual(w.index.search(g.name!));
    expect(again.product(g.asin)).toEqual(w.product(g.asin));
  });
});
