/**
 * A loaded WebShop: catalogue, search index, prices and goals, built once and shared by every environment instance
 * (environments only keep their own page state). Loading the 1k setting takes well under a second once the search
 * index is cached.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { dataDir, datasetDir } from '../../data/dir.js';
import { clearStemCache } from './analyzer.js';
import { Bm25Builder, type Bm25Index } from './bm25.js';
import { readProcessed, readRaw, productPrice, slim } from './catalogue.js';
import { FileProducts, type ProductSource } from './products.js';
import { loadSummary, saveSummary, summaryKey } from './summary-cache.js';
import { GoalPlan, humanGoals, humanIndices, smallSplit, syntheticCount, syntheticGoals, type GoalList } from './goals.js';
import { INDEX_FORMAT, loadIndex, saveIndex } from './index-cache.js';
import type { AttributeEntry, HumanInstruction, Product } from './types.js';

export type Setting = 'small' | 'full';

export interface WebShopWorld {
  setting: Setting;
  seed: number;
  /** Where the data came from and a digest of it, recorded with runs. */
  dataVersion: string;
  /** The catalogue in its original order (search hits are positions in it). */
  products: ProductSource;
  /** A product by ASIN. */
  product(asin: string): Product | undefined;
  /** The price a product sells at (a seeded draw inside a price range). */
  price(asin: string): number;
  index: Bm25Index;
  syntheticGoals: GoalList;
  humanGoals: GoalList;
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

  // Only entries with an instruction make goals; the rest is dropped at once (it is large for a full catalogue).
  const attributes = new Map<string, AttributeEntry>();
  if (files.attributes) {
    for (const [asin, e] of Object.entries(readJson<Record<string, AttributeEntry>>(files.attributes))) {
      if (e && e.instruction != null) attributes.set(asin, { instruction: e.instruction, instruction_attributes: e.instruction_attributes });
    }
  }
  const human = files.human ? new Map(Object.entries(readJson<Record<string, HumanInstruction[]>>(files.human))) : undefined;

  // The index is cached per catalogue file (path, size, modification time) and format, and so is a summary of the
  // catalogue (ASINs, byte ranges, listed prices, goal counts). On a miss the index is built while the catalogue
  // streams in, and prices and goal plans are gathered in the same pass.
  const cacheDir = opts.cacheDir ?? join(dataDir(), 'cache', 'webshop');
  const st = statSync(files.catalogue);
  const key = createHash('sha1').update(`${INDEX_FORMAT}\0${resolve(files.catalogue)}\0${st.size}\0${st.mtimeMs}`).digest('hex');
  const cacheFile = join(cacheDir, `bm25-${key.slice(0, 16)}.bin`);
  const sumKey = summaryKey(files.catalogue, files.attributes, files.human);
  const sumFile = join(cacheDir, `catalogue-${sumKey.slice(0, 16)}.bin`);
  let index = loadIndex(cacheFile, key);
  const summary = index && !files.raw ? loadSummary(sumFile, sumKey) : undefined;

  let products: ProductSource;
  let lo: Float64Array, hi: Float64Array, synth: Uint32Array, hum: Uint32Array, digestHex: string;
  if (summary) {
    say(`opening ${files.catalogue} (cached summary)`);
    products = FileProducts.from(files.catalogue, slim, summary.asins, summary.offsets, summary.lengths);
    ({ lo, hi, synthetic: synth, human: hum } = summary);
    digestHex = summary.digest;
  } else {
    const builder = index ? undefined : new Bm25Builder((n) => say(`indexed ${n} products`));
    const grow = <T extends Float64Array | Uint32Array>(a: T, i: number, Ctor: new (n: number) => T): T => {
      if (i < a.length) return a;
      const b = new Ctor(a.length * 2); b.set(a); return b;
    };
    lo = new Float64Array(1 << 12); hi = new Float64Array(1 << 12); synth = new Uint32Array(1 << 12); hum = new Uint32Array(1 << 12);
    const sink = (p: Product, contents: string, i: number) => {
      builder?.add(contents);
      lo = grow(lo, i, Float64Array); hi = grow(hi, i, Float64Array); synth = grow(synth, i, Uint32Array); hum = grow(hum, i, Uint32Array);
      lo[i] = p.pricing.length ? p.pricing[0] : NaN;
      hi[i] = p.pricing.length > 1 ? p.pricing[1] : NaN;
      synth[i] = syntheticCount(p, attributes.get(p.asin));
      hum[i] = human ? humanIndices(human.get(p.asin)).length : 0;
    };
    const digest = createHash('sha1');
    say(`${builder ? 'reading and indexing' : 'reading'} ${files.catalogue}`);
    products = files.raw ? readRaw(files.catalogue, attributes, sink, digest) : readProcessed(files.catalogue, sink, digest);
    if (products.length === 0) throw new EpoError('BAD_DATA', 'the catalogue has no products', { where: files.catalogue });
    const n = products.length;
    lo = lo.slice(0, n); hi = hi.slice(0, n); synth = synth.slice(0, n); hum = hum.slice(0, n);
    digestHex = digest.digest('hex');
    if (builder) {
      index = builder.finish();
      clearStemCache();
      try { saveIndex(cacheFile, key, index); } catch (e) { say(`could not cache the index (${(e as Error).message})`); }
    }
    if (products instanceof FileProducts) {
      const asins = Array.from({ length: n }, (_, i) => products.asin(i));
      try { saveSummary(sumFile, sumKey, { digest: digestHex, asins, ...products.ranges(), lo, hi, synthetic: synth, human: hum }); } catch (e) { say(`could not cache the catalogue summary (${(e as Error).message})`); }
    }
  }
  if (index!.docCount !== products.length) throw new EpoError('BAD_DATA', `cached index has ${index!.docCount} documents, the catalogue ${products.length}; delete the cache file`, { where: cacheFile });
  index!.setDocIds(Array.from({ length: products.length }, (_, i) => products.asin(i)));
  const prices = new Float64Array(products.length);
  const synthetic = new GoalPlan(), humanPlan = new GoalPlan();
  for (let i = 0; i < products.length; i++) {
    const pricing = Number.isNaN(lo[i]) ? [] : Number.isNaN(hi[i]) ? [lo[i]] : [lo[i], hi[i]];
    prices[i] = productPrice({ asin: products.asin(i), pricing }, seed);
    synthetic.add(i, synth[i]);
    humanPlan.add(i, hum[i]);
  }
  const priceAt = (i: number) => prices[i];

  const splits: WebShopWorld['splits'] = {};
  if (files.splitsDir && setting === 'full') {
    for (const s of ['test', 'train'] as const) {
      const f = join(files.splitsDir, `${s}_indices.json`);
      if (existsSync(f)) splits[s] = readJson<number[]>(f);
    }
  }
  const world: WebShopWorld = {
    setting, seed, dataVersion: `${basename(files.catalogue)}@sha1:${digestHex.slice(0, 12)}`,
    products,
    product: (asin) => { const i = products.indexOf(asin); return i === undefined ? undefined : products.get(i); },
    price: (asin) => { const i = products.indexOf(asin); return i === undefined ? 100.0 : prices[i]; },
    index: index!,
    syntheticGoals: syntheticGoals(synthetic, products, attributes, priceAt, seed),
    humanGoals: human ? humanGoals(humanPlan, products, human, priceAt, seed) : humanGoals(new GoalPlan(), products, new Map(), priceAt, seed),
    splits,
  };
  if (setting === 'small') {
    const s = smallSplit(world.syntheticGoals, seed);
    world.splits = { test: s.test, train: s.train };
  }
  return world;
}
