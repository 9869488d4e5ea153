import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { computeReward, WebShopEnv, webshopTasks, taskFromGoal } from '../../src/envs/webshop/index.js';
import { testWorld, webshopRoot } from './world.js';

const I = 'Find me animal testing, paraben free body care for dry skin with scent: butter, and size: 10.6 fl oz (pack of 1), and price lower than 30.00 dollars';
const HEAD = `Instruction: [SEP] ${I} [SEP] Back to Search`;
const ITEM = `${HEAD} [SEP] < Prev [SEP] scent [SEP] fresh [SEP] butter [SEP] size [SEP] 8.5 fl oz (pack of 1) [SEP] 10.6 fl oz (pack of 1) [SEP] Palmer's Mens Body/face Lotion 8.5 Ounce [SEP] Price: $5.99 [SEP] Rating: N.A. [SEP] Description [SEP] Features [SEP] Reviews [SEP] Buy Now`;

describe.skipIf(!webshopRoot)('WebShop pages and actions (real products)', () => {
  const open = async (opts = {}) => {
    const w = await testWorld();
    const env = new WebShopEnv(w, opts);
    const first = env.reset(taskFromGoal(w, 2141, 'synthetic'));
    return { w, env, first };
  };

  it('renders every page type exactly', async () => {
    const { env, first } = await open({ showAttributes: true });
    expect(first).toBe(`WebShop [SEP] Instruction: [SEP] ${I} [SEP] Search`);
    expect(env.clickables()).toEqual(['search']);

    const res = env.step("search[palmer's mens body/face lotion 8.5 ounce]");
    expect(res.info.page).toBe('results');
    expect(res.observation.startsWith(`${HEAD} [SEP] Page 1 (Total results: 50) [SEP] Next > [SEP] B087Y28XLM [SEP] Palmer's Mens Body/face Lotion 8.5 Ounce [SEP] $5.99 [SEP] `)).toBe(true);
    expect(env.clickables().slice(0, 3)).toEqual(['back to search', 'next >', 'b087y28xlm']);
    expect(env.clickables()).toHaveLength(12);
    // The ranking itself (BM25 as the Lucene index scores it) is pinned by the first page's ASINs.
    expect(env.clickables().slice(2).map((a) => a.toUpperCase())).toEqual(['B087Y28XLM', 'B01IA9BY1G', 'B004VMVLLU', 'B091HFPLPW', 'B07DJJXGB5', 'B08KLLJJXG', 'B01EX1BWE4', 'B00BT1QVW0', 'B08532HWVM', 'B01NB94BQO']);
    expect(res.observation.endsWith('[SEP] B01NB94BQO [SEP] Victoria secret 2 piece bombshell gift set- (new packaging) [SEP] $29.99')).toBe(true);
    expect(res.observation).toContain('[SEP] B01EX1BWE4 [SEP] Milwaukee Leather MBM9075 Men\'s Black 6-inch Plain Toe Dual Zipper Lock Leather Boots [SEP] $99.82 to $134.99 [SEP]');

    const p2 = env.step('click[next >]');
    expect(p2.observation.startsWith(`${HEAD} [SEP] Page 2 (Total results: 50) [SEP] < Prev [SEP] Next > [SEP] `)).toBe(true);
    env.step('click[< prev]');

    const item = env.step('click[b087y28xlm]');
    expect(item.observation).toBe(ITEM.replace(' [SEP] Reviews [SEP]', ' [SEP] Reviews [SEP] Attributes [SEP]'));
    expect(env.clickables()).toEqual(['back to search', '< prev', 'description', 'features', 'reviews', 'attributes', 'buy now', 'fresh', 'butter', '8.5 fl oz (pack of 1)', '10.6 fl oz (pack of 1)']);

    expect(env.step('click[description]').observation).toBe(`${HEAD} [SEP] < Prev [SEP] Palmers men's Body/face Ltn 8.5 Oz.`);
    env.step('click[< prev]');
    expect(env.step('click[features]').observation).toBe(`${HEAD} [SEP] < Prev [SEP] Palmer's Cocoa Butter Formula for men Contains pure cocoa butter and vitamin E to effectively combat rough, dry skin [SEP] This fast-absorbing moisturizer smoothens skin all over body and face [SEP] The fresh scent invigorates without overpowering [SEP] Paraben free [SEP] Palmer's is against animal testing`);
    env.step('click[< prev]');
    expect(env.step('click[reviews]').observation).toBe(`${HEAD} [SEP] < Prev`);
    env.step('click[< prev]');
    expect(env.step('click[attributes]').observation).toBe(`${HEAD} [SEP] < Prev [SEP] animal testing [SEP] dry skin [SEP] paraben free [SEP] beauty [SEP] body care [SEP] Beauty & Personal Care › Skin Care › Body › Moisturizers › Lotions`);
    env.step('click[< prev]');

    env.step('click[butter]');
    const afterOption = env.step('click[10.6 fl oz (pack of 1)]');
    expect(afterOption.info.progress).toBe(1);
    const done = env.step('click[buy now]');
    expect(done.observation).toBe('Thank you for shopping with us! [SEP] Your score (min 0.0, max 1.0) [SEP] 1.0');
    expect(done).toMatchObject({ reward: 1, done: true, info: { page: 'done', progress: 1 } });
    expect(done.info.rewardParts).toMatchObject({ r_type: 1, num_attr_matches: 3, num_option_matches: 2, r_price: true });
    expect(env.admissibleActions()).toEqual([]);
  });

  it('treats invalid actions as no-ops and says so in info', async () => {
    const { env, first } = await open();
    for (const a of ['click[search]', 'click[buy now]', 'search[]', 'buy', 'Action: click[x]', 'click[b087y28xlm]']) {
      const r = env.step(a);
      expect(r.observation, a).toBe(first);
      expect(r.info.invalid, a).toBe(true);
      expect(r.reward).toBe(0);
    }
    env.step('search[palmer lotion]');
    expect(env.step('CLICK[next >]').info.invalid).toBe(true);
    expect(env.step('click[NEXT >]').info.page).toBe('results'); // arguments are compared lower-cased
  });

  it('searches from any page, resets options when leaving the item, and can show the selection', async () => {
    const { env } = await open({ showSelected: true });
    env.step('search[palmer lotion]');
    env.step('click[b087y28xlm]');
    const sel = env.step('click[butter]');
    expect(sel.observation).toContain('[SEP] scent [SEP] fresh [SEP] butter [SEP] Selected: butter [SEP] size [SEP]');
    expect(env.selectedOptions).toEqual({ scent: 'butter' });
    expect(env.step('click[< prev]').info.page).toBe('results');
    env.step('click[b087y28xlm]');
    expect(env.selectedOptions).toEqual({});
    const again = env.step('search[console table]');
    expect(again.info.page).toBe('results');
    expect(env.step('click[back to search]').observation.startsWith('WebShop [SEP] Instruction:')).toBe(true);
    expect(env.admissibleActions()).toEqual(['search[<query>]']);
  });

  it('never crashes on random actions', async () => {
    const w = await testWorld();
    const tasks = webshopTasks(w, { split: 'test' });
    const rng = createRng(7);
    const junk = ['click[]', 'search[ ]', 'click[< prev', '[x]', 'click[[a]]', 'search[<r>]', 'search[<c> beauty]', 'search[<q> body care]', 'search[<a> dry skin]', 'click[next >]', ''];
    const env = new WebShopEnv(w, { showSelected: true, showAttributes: true });
    for (let e = 0; e < 60; e++) {
      env.reset(rng.pick(tasks), e);
      for (let t = 0; t < 15; t++) {
        const acts = env.admissibleActions().map((a) => (a === 'search[<query>]' ? `search[${rng.pick(['lotion', 'wood table', 'red dress size 8', 'zzzz'])}]` : a));
        const r = env.step(rng.next() < 0.3 || acts.length === 0 ? rng.pick(junk) : rng.pick(acts));
        expect(typeof r.observation).toBe('string');
        expect(r.info.progress as number).toBeGreaterThanOrEqual(0);
        expect(r.info.progress as number).toBeLessThanOrEqual(1);
        if (r.done) break;
      }
    }
  });
});

describe.skipIf(!webshopRoot)('done when: every synthetic goal of the 1k catalogue', () => {
  it('finds the goal product on the first results page by its title (>= 95%) and buying it with the goal options gives 1.0', async () => {
    const w = await testWorld();
    const goals = w.syntheticGoals;
    expect(goals).toHaveLength(6910);
    const rank = new Map<string, boolean>();
    let found = 0, perfect = 0;
    for (let i = 0; i < goals.length; i++) {
      const g = goals.get(i);
      let hit = rank.get(g.asin);
      if (hit === undefined) {
        hit = w.index.search(g.name!).slice(0, 10).some((h) => w.products.asin(h.doc) === g.asin);
        rank.set(g.asin, hit);
      }
      if (hit) found++;
      if (computeReward(g, w.product(g.asin)!, g.goal_options as Record<string, string>, w.price(g.asin)).reward === 1) perfect++;
    }
    expect(found / goals.length).toBeGreaterThanOrEqual(0.95);
    expect(perfect).toBe(goals.length);
  });

  it('splits the small setting by product, seeded', async () => {
    const w = await testWorld();
    const test = webshopTasks(w, { split: 'test' }), train = webshopTasks(w, { split: 'train' });
    expect(test).toHaveLength(200);
    expect(test.length + train.length).toBeLessThanOrEqual(6910);
    const testAsins = new Set(test.map((t) => t.goal.asin));
    expect(train.some((t) => testAsins.has(t.goal.asin))).toBe(false);
    expect(test[0].id).toMatch(/^webshop\/synthetic\/\d+$/);
  });
});
