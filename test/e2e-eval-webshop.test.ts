/** `epo eval webshop` end to end over HTTP on 12 goals of the small setting's test split (see helpers/e2e.ts). */
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWebShop, webshopTasks, WebShopEnv } from '../src/envs/webshop/index.js';
import { instructionQuery, webshopExpert } from '../src/eval/suites/webshop.js';
import { findData } from './helpers/data.js';
import { evalE2E } from './helpers/e2e.js';

const products = findData('webshop', 'products_1k.jsonl');
const data = products && dirname(dirname(products));
const N = 12;

describe.skipIf(!data)('epo eval webshop over HTTP (e2e)', () => {
  evalE2E({
    env: 'webshop',
    select: ['--split', 'test', '--limit', String(N), '--data', data!],
    garbageSteps: 4,
    async plans() {
      const world = await loadWebShop({ root: join(data!, 'webshop') });
      return webshopTasks(world, { split: 'test', limit: N }).map((t) => ({ id: t.id, first: new WebShopEnv(world).reset(t), actions: webshopExpert(world, t)! }));
    },
  });
});

describe('WebShop expert', () => {
  it('searches with the instruction\'s key words, without lead-in, options and price limit', () => {
    expect(instructionQuery('Find me butt lifting, light weight women\'s shorts with high waist, tummy control with color: black, and size: 3x-large, and price lower than 30.00 dollars'))
      .toBe('butt lifting, light weight women\'s shorts with high waist, tummy control');
    expect(instructionQuery('i need a long clip-in hair extension which is natural looking, and price lower than 40.00 dollars')).toBe('a long clip-in hair extension which is natural looking');
  });
});
