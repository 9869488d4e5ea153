import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { webshopData } from '../../src/envs/webshop/data.js';
import { loadWebShop, webshopTasks, WebShopEnv } from '../../src/envs/webshop/index.js';
import { PyRandom } from '../../src/envs/webshop/pyrandom.js';

/** A tiny full-setting install made of raw WebShop files (items_shuffle.json, items_ins_v2.json, items_human_ins.json). */
function rawFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'epo-webshop-raw-'));
  const item = (asin: string, name: string, extra: Record<string, unknown> = {}) => ({
    asin, name, full_description: `${name} description`, small_description: [`${name} feature`], pricing: '$12.50',
    images: ['x.jpg'], product_category: 'Beauty › Hair Care › Shampoo', category: 'beauty', query: 'shampoo',
    customization_options: { Size: [{ value: '8 oz' }, { value: '16 oz' }] }, ...extra,
  });
  const items = [
    item('B0000000A1', 'Herbal Shampoo For Dry Hair'),
    item('nan', 'skipped'),
    item('B0000000B2', 'Argan Oil Conditioner', { pricing: '$5.00 - $9.00', customization_options: '' }),
    item('B0000000A1', 'duplicate, skipped'),
    item('B0000000C3', 'Tea Tree Scalp Scrub'),
  ];
  writeFileSync(join(dir, 'items_shuffle.json'), JSON.stringify(items));
  writeFileSync(join(dir, 'items_ins_v2.json'), JSON.stringify({ B0000000A1: { attributes: ['dry hair'] }, B0000000B2: { attributes: ['argan oil'] } }));
  const ins = (instruction: string, attrs: string[], options: string[]) => ({ instruction, instruction_attributes: attrs, instruction_options: options });
  writeFileSync(join(dir, 'items_human_ins.json'), JSON.stringify({
    B0000000A1: [ins('i need a shampoo for dry hair.', ['dry hair'], ['16 oz']), ins('no attributes here', [], [])],
    B0000000B2: [ins('argan oil conditioner please', ['argan oil'], [])],
    B0000000C3: [ins('a tea tree scrub', ['tea tree'], ['8 oz'])],
  }));
  mkdirSync(join(dir, 'splits'));
  writeFileSync(join(dir, 'splits', 'test_indices.json'), JSON.stringify([2, 0]));
  writeFileSync(join(dir, 'splits', 'train_indices.json'), JSON.stringify([1]));
  return dir;
}

describe('full setting from raw files', () => {
  it('installs, processes the catalogue and builds human goals in the reference order', async () => {
    const from = rawFolder();
    const root = mkdtempSync(join(tmpdir(), 'epo-webshop-root-'));
    const m = await webshopData.install({ from, full: true, root, log: createLogger({ quiet: true }) });
    expect(m).toMatchObject({ dataset: 'webshop', version: 'webshop-full' });
    const w = await loadWebShop({ root: join(root, 'webshop'), setting: 'full', cacheDir: join(root, 'cache') });
    expect(w.products.length).toBe(3);
    expect(w.product('B0000000B2')).toMatchObject({ Price: '$5.0 to $9.0', pricing: [5, 9], options: {}, Attributes: ['argan oil'] });
    expect(w.price('B0000000B2')).toBeGreaterThanOrEqual(5);
    expect(w.price('B0000000B2')).toBeLessThan(9);

    // Three instructions with attributes, in catalogue order, then shuffled as random.seed(233); random.shuffle.
    const order = ['i need a shampoo for dry hair', 'argan oil conditioner please', 'a tea tree scrub'];
    const perm = new PyRandom(233).shuffle([0, 1, 2]);
    expect(w.humanGoals.length).toBe(3);
    for (let i = 0; i < 3; i++) expect(w.humanGoals.get(i).instruction_text.startsWith(order[perm[i]])).toBe(true);
    const g = w.humanGoals.get(perm.indexOf(0));
    // price 12.50: caps among 20, 30, 40, 50 (the larger of two picks); dots stripped; list options.
    expect(g.instruction_text).toMatch(/^i need a shampoo for dry hair, and price lower than (30|40|50)\.00 dollars$/);
    expect(g).toMatchObject({ asin: 'B0000000A1', attributes: ['dry hair'], goal_options: ['16 oz'], name: 'Herbal Shampoo For Dry Hair' });

    // The reference split files index the human goals.
    const test = webshopTasks(w, { split: 'test' });
    expect(test.map((t) => t.goalIndex)).toEqual([2, 0]);
    expect(test[0].id).toBe('webshop/human/2');
    expect(webshopTasks(w, { split: 'train' })[0].goal).toEqual(w.humanGoals.get(1));

    // Playing a human goal to the end.
    const env = new WebShopEnv(w);
    env.reset(webshopTasks(w, { split: 'human' })[perm.indexOf(0)]);
    env.step('search[herbal shampoo dry hair]');
    env.step('click[b0000000a1]');
    env.step('click[16 oz]');
    const r = env.step('click[buy now]');
    expect(r.reward).toBe(1);
  });
});
