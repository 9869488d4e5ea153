/** The 1k WebShop world for tests (index cached in a temporary folder), or undefined when the data is absent. */
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findData } from '../helpers/data.js';
import { loadWebShop, type WebShopWorld } from '../../src/envs/webshop/index.js';

const attrs = findData('webshop', 'items_ins_v2_1000.json');
export const webshopRoot = attrs ? dirname(attrs) : undefined;
let world: Promise<WebShopWorld> | undefined;
export const testWorld = (): Promise<WebShopWorld> =>
  (world ??= loadWebShop({ root: webshopRoot!, cacheDir: join(tmpdir(), 'epo-webshop-test-cache') }));
