/**
 * A loaded WebShop: catalogue, search index, prices and goals, built once and shared by every environment instance
 * (environments only keep their own page state). Loading the 1k setting takes well under a second once the search
 * index is cached.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { dataDir, datasetDir } from '../../data/dir.js';
import { Bm25Index } from './bm25.js';
import { indexText, readProcessed, readRaw, productPrice } from './catalogue.js';
import { humanGoals, smallSplit, syntheticGoals } from './goals.js';
import { INDEX_FORMAT, loadIndex, saveIndex } from './index-cache.js';
import type { AttributeEntry, Goal, HumanInstruction, Product } from './types.js';

export type Setting = 'small' | 'full';

export interface WebShopWorld {
  setting: Setting;
  seed: number;
  /** Where the data came from and a digest of it, recorded with runs. */
  dataVersion: string;
  products: Product[];
  byAsin: Map<string, Product>;
  prices: Map<string, number>;
  index: Bm25Index;
  syntheticGoals: Goal[];
  humanGoals: Goal[];
  /** The reference's goal-index lists (full setting), when installed. */
  splits: { test?: number[]; train?: number[] };
}

export interface LoadOptions {
  /** The installed dataset folder (default: <data dir>/webshop). */
  root?: string;
  setting?: Setting;
  /** A processed catalogue (.jsonl) or a folder holding one, e.g. a generated catalogue. */
  catalogue?: string;
  /** Seed of the price draws and price caps (default 0). */
  seed?: number;
  /** Where search indexes are cached (default: <data dir>/cache/webshop). */
  cacheDir?: string;
  onProgress?: (msg: string) => void;
}

const readJson = <T>(path: string): T => {
  try { return JSON.parse(readFileSync(path, 'utf8')) as T; } catch (e) {
    throw new EpoError('BAD_DATA', `cannot read JSON: ${(e as Error).message}`, { where: path, cause: e });
  }
};

function firstExisting(dir: string, names: string[]): string | undefined {
  for (const n of names) { const p = join(dir, n); if (existsSync(p)) return p; }
  return undefined;
}

interface Files { catalogue: string; raw: boolean; attributes?: string; human?: string; splitsDir?: string }

function locate(opts: LoadOptions, setting: Setting): Files {
  if (opts.catalogue) {
    const isDir = statSync(opts.catalogue, { throwIfNoEntry: false })?.isDirectory();
    const dir = isDir ? opts.catalogue : dirname(opts.catalogue);
    const file = isDir ? firstExisting(dir, ['products.jsonl', ...readdirSync(dir).filter((f) => f.endsWith('.jsonl'))]) : opts.catalogue;
    if (!file || !existsSync(file)) throw new EpoError('MISSING_DATA', 'no processed catalogue (.jsonl) found', { where: opts.catalogue });
    const attributes = firstExisting(dir, ['items_ins.json', ...readdirSync(dir).filter((f) => /^items_ins.*\.json$/.test(f))]);
    return { catalogue: file, raw: false, attributes, human: firstExisting(dir, ['items_human_ins.json']) };
  }
  const root = opts.root ?? datasetDir('webshop');
  const hint = `install it with \`epo data install webshop${setting === 'full' ? ' --full' : ''} [--from DIR]\``;
  if (!existsSync(root)) throw new EpoError('MISSING_DATA', `WebShop data not found; ${hint}`, { where: root });
  const processed = setting === 'small' ? ['products_1k.jsonl'] : ['products_full.jsonl'];
  const raw = setting === 'small' ? ['items_shuffle_1000.json'] : ['items_shuffle.json'];
  const attrs = setting === 'small' ? ['items_ins_v2_1000.json'] : ['items_ins_v2.json'];
  const p = firstExisting(root, processed);
  const r = p ? undefined : firstExisting(root, raw);
  if (!p && !r) throw new EpoError('MISSING_DATA', `no ${setting} catalogue (${[...processed, ...raw].join(' or ')}); ${hint}`, { where: root });
  return {
    catalogue: (p ?? r)!, raw: !p, attributes: firstExisting(root, attrs),
    human: firstExisting(root, ['items_human_ins.json']),
    splitsDir: existsSync(join(root, 'splits')) ? join(root, 'splits') : undefined,
  };
}

/** Load (or build and cache) a WebShop world. */
export async function loadWebShop(opts: LoadOptions = {}): Promise<WebShopWorld> {
  const setting = opts.setting ?? 'small';
  const seed = opts.seed ?? 0;
  const say = opts.onProgress ?? (() => undefined);
  const files = locate(opts, setting);

  const attributes = new Map<string, AttributeEntry>(files.attributes ? Object.entries(readJson<Record<string, AttributeEntry>>(files.attributes)) : []);
  let products: Product[];
  let contents: string[] | undefined;
  if (files.raw) {
    say(`processing ${files.catalogue}`);
    products = readRaw(files.catalogue, attributes);
  } else {
    say(`reading ${files.catalogue}`);
    ({ products, contents } = readProcessed(files.catalogue));
  }
  if (products.length === 0) throw new EpoError('BAD_DATA', 'the catalogue has no products', { where: files.catalogue });
  const byAsin = new Map(products.map((p) => [p.asin, p]));
  const texts = contents ?? products.map(indexText);

  // The cache key covers every indexed text, so an edited catalogue never reuses a stale index.
  const h = createHash('sha1');
  h.update(INDEX_FORMAT);
  for (const t of texts) { h.update(t); h.update('\0'); }
  const digest = h.digest('hex');
  const cacheFile = join(opts.cacheDir ?? join(dataDir(), 'cache', 'webshop'), `bm25-${digest.slice(0, 16)}.bin`);
  let index = loadIndex(cacheFile, digest);
  if (!index) {
    say(`building the search index over ${products.length} products`);
    index = Bm25Index.build(texts, (n) => say(`indexed ${n} products`));
    try { saveIndex(cacheFile, digest, index); } catch (e) { say(`could not cache the index (${(e as Error).message})`); }
  }
  index.setDocIds(products.map((p) => p.asin));
  contents = undefined;

  const prices = new Map(products.map((p) => [p.asin, productPrice(p, seed)]));
  const human = files.human ? new Map(Object.entries(readJson<Record<string, HumanInstruction[]>>(files.human))) : undefined;
  const splits: WebShopWorld['splits'] = {};
  if (files.splitsDir && setting === 'full') {
    for (const s of ['test', 'train'] as const) {
      const f = join(files.splitsDir, `${s}_indices.json`);
      if (existsSync(f)) splits[s] = readJson<number[]>(f);
    }
  }
  const world: WebShopWorld = {
    setting, seed, dataVersion: `${basename(files.catalogue)}@${digest.slice(0, 12)}`,
    products, byAsin, prices, index,
    syntheticGoals: syntheticGoals(products, attributes, prices, seed),
    humanGoals: human ? humanGoals(products, human, prices, seed) : [],
    splits,
  };
  if (setting === 'small') {
    const s = smallSplit(world.syntheticGoals, seed);
    world.splits = { test: s.test, train: s.train };
  }
  return world;
}
