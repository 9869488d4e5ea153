/**
 * The product catalogue: the processed form (`{id, contents, product}` JSON lines, what the original indexes) or the
 * raw WebShop files processed the way the original's `load_products` does it. Prices of products listed with a
 * price range are drawn once per product from a seeded generator (the original draws them unseeded at start-up).
 */
import type { Hash } from 'node:crypto';
import { EpoError } from '../../core/errors.js';
import { createRng, deriveSeed } from '../../core/random.js';
import { FileProducts, MemoryProducts } from './products.js';
import { readJsonArray, readJsonLines } from './read-json.js';
import type { AttributeEntry, HumanInstruction, Product, Review } from './types.js';

export interface Catalogue {
  products: Product[];
  byAsin: Map<string, Product>;
  /** Synthetic instructions per ASIN (items_ins_v2*.json). */
  attributes: Map<string, AttributeEntry>;
  /** Human instructions per ASIN (items_human_ins.json), when installed. */
  human?: Map<string, HumanInstruction[]>;
}

/** Python's repr of a float as the original prints prices ("$12.0", "$877.8"). */
export function pyFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** The text the original indexes for a product: title, description, first bullet point and options, lower-cased. */
export function indexText(p: Product): string {
  const optionText = Object.entries(p.options).map(([name, values]) => `${name}: ${values.join(', ')}`).join(', and ');
  return [p.Title, p.Description, p.BulletPoints[0] ?? '', optionText].join(' ').toLowerCase();
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));

/** Parse the raw "pricing" string ("$12.99", "$10.00 - $20.00") as the original does. */
export function parsePricing(raw: unknown): { pricing: number[]; Price: string } {
  if (Array.isArray(raw)) {
    const nums = raw.map(Number).filter((n) => Number.isFinite(n)).slice(0, 2);
    if (nums.length === 0) return { pricing: [100.0], Price: '$100.0' };
    return { pricing: nums, Price: nums.length === 1 ? `$${pyFloat(nums[0])}` : `$${pyFloat(nums[0])} to $${pyFloat(nums[1])}` };
  }
  if (typeof raw !== 'string' || raw === '') return { pricing: [100.0], Price: '$100.0' };
  const nums = raw.split('$').slice(1).map((s) => s.replace(/[^\d.]/g, '')).filter((s) => /^\d*\.?\d+$|^\d+\.$/.test(s)).map(Number);
  if (nums.length === 0) return { pricing: [100.0], Price: '$100.0' };
  if (nums.length === 1) return { pricing: nums, Price: `$${pyFloat(nums[0])}` };
  return { pricing: nums.slice(0, 2), Price: `$${pyFloat(nums[0])} to $${pyFloat(nums[1])}` };
}

/** One raw item of items_shuffle*.json → the processed product, or undefined for the items the original skips. */
export function processRawProduct(raw: Record<string, unknown>, attributes: Map<string, AttributeEntry>, reviews?: Map<string, { reviews: Review[]; rating: string }>): Product | undefined {
  const asin = str(raw.asin);
  if (asin === '' || asin === 'nan' || asin.length > 10) return undefined;
  const options: Record<string, string[]> = {};
  const custom = raw.customization_options;
  if (custom && typeof custom === 'object') {
    for (const [name, contents] of Object.entries(custom as Record<string, unknown>)) {
      if (!Array.isArray(contents)) continue;
      options[name.toLowerCase()] = contents.map((c) => str((c as { value?: unknown }).value).trim().replaceAll('/', ' | ').toLowerCase());
    }
  }
  const small = raw.small_description;
  const bullets = Array.isArray(small) ? small.map(str) : [str(small)];
  const attr = attributes.get(asin);
  const rev = reviews?.get(asin);
  const images = Array.isArray(raw.images) ? raw.images : [];
  return {
    asin,
    name: str(raw.name),
    Title: str(raw.name),
    Description: str(raw.full_description),
    BulletPoints: bullets,
    Reviews: rev?.reviews ?? [],
    Rating: rev?.rating ?? 'N.A.',
    ...parsePricing(raw.pricing),
    options,
    Attributes: attr && Array.isArray(attr.attributes) ? attr.attributes : ['DUMMY_ATTR'],
    category: str(raw.category),
    query: str(raw.query).toLowerCase().trim(),
    product_category: str(raw.product_category),
    MainImage: images.length ? str(images[0]) : undefined,
  };
}

/** Keep only what the environment uses (the processed form carries images, raw copies and more). */
export function slim(p: Record<string, unknown>, where: string): Product {
  const req = (k: string) => { if (p[k] === undefined) throw new EpoError('BAD_DATA', `product lacks field "${k}"`, { where }); return p[k]; };
  const pricing = Array.isArray(p.pricing) ? (p.pricing as unknown[]).map(Number) : parsePricing(p.pricing).pricing;
  return {
    asin: str(req('asin')),
    name: str(p.name ?? p.Title),
    Title: str(p.Title ?? p.name),
    Description: str(p.Description ?? p.full_description),
    BulletPoints: Array.isArray(p.BulletPoints) ? (p.BulletPoints as unknown[]).map(str) : [str(p.BulletPoints ?? '')],
    Reviews: Array.isArray(p.Reviews) ? (p.Reviews as Review[]) : [],
    Rating: str(p.Rating ?? 'N.A.'),
    Price: str(p.Price ?? parsePricing(p.pricing).Price),
    pricing,
    options: (p.options && typeof p.options === 'object' ? p.options : {}) as Record<string, string[]>,
    Attributes: Array.isArray(p.Attributes) ? (p.Attributes as unknown[]).map(str) : ['DUMMY_ATTR'],
    category: str(p.category),
    query: str(p.query),
    product_category: str(p.product_category),
    MainImage: p.MainImage === undefined ? undefined : str(p.MainImage),
  };
}

/** What a reader tells its caller about each kept product: the product, its index text and its position. */
export type ProductSink = (p: Product, contents: string, i: number) => void;

/**
 * Open a processed catalogue (`{id, contents, product}` per line). Products stay on disk (see products.ts); each is
 * passed once to `sink` while the file streams in (to index it, price it, find its goals).
 */
export function readProcessed(path: string, sink?: ProductSink, hash?: Hash): FileProducts {
  const products = new FileProducts(path, slim);
  for (const { value, line, offset, length } of readJsonLines<{ id?: string; contents?: string; product?: Record<string, unknown> }>(path, hash)) {
    if (!value.product) throw new EpoError('BAD_DATA', 'line has no "product" object', { where: `${path}:${line}` });
    const p = slim(value.product, `${path}:${line}`);
    if (products.indexOf(p.asin) !== undefined) continue;
    const i = products.add(p.asin, offset, length);
    sink?.(p, typeof value.contents === 'string' ? value.contents : indexText(p), i);
  }
  return products;
}

/** Read raw items_shuffle*.json (streamed) with its attribute file, processed as the original does. */
export function readRaw(itemsPath: string, attributes: Map<string, AttributeEntry>, sink?: ProductSink, hash?: Hash, reviews?: Map<string, { reviews: Review[]; rating: string }>): MemoryProducts {
  const out: Product[] = [];
  const seen = new Set<string>();
  for (const raw of readJsonArray<Record<string, unknown>>(itemsPath, hash)) {
    const p = processRawProduct(raw, attributes, reviews);
    if (!p || seen.has(p.asin)) continue;
    seen.add(p.asin);
    out.push(p);
    sink?.(p, indexText(p), out.length - 1);
  }
  return new MemoryProducts(out);
}

/** The price a product sells at: its single price, a seeded draw inside its range, or 100 when unknown. */
export function productPrice(p: Pick<Product, 'asin' | 'pricing'>, seed: number): number {
  if (p.pricing.length === 0) return 100.0;
  if (p.pricing.length === 1) return p.pricing[0];
  return createRng(deriveSeed(seed, 'price', p.asin)).uniform(p.pricing[0], p.pricing[1]);
}
