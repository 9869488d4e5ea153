/**
 * A synthetic product catalogue for offline use, tests and scale measurements: products in the processed form
 * (title, description, bullet points, options, attributes, categories, prices) with a Zipf-distributed vocabulary
 * so that the search index has a realistic shape, and instructions with attributes for a share of them (the form of
 * items_ins_v2*.json). Deterministic for a seed.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createRng, type Rng } from '../../core/random.js';
import { indexText, pyFloat } from './catalogue.js';
import type { AttributeEntry, Product } from './types.js';

interface Department { name: string; sub: string[]; nouns: string[]; adjectives: string[]; attributes: string[]; sizes: string[] }

const DEPARTMENTS: Department[] = [
  { name: 'Beauty & Personal Care', sub: ['Hair Care', 'Skin Care', 'Makeup', 'Fragrance'], nouns: ['shampoo', 'conditioner', 'serum', 'lotion', 'lipstick', 'mascara', 'perfume', 'cream', 'cleanser', 'toner'],
    adjectives: ['organic', 'hydrating', 'gentle', 'vegan', 'scented', 'matte', 'nourishing'], attributes: ['cruelty free', 'paraben free', 'long lasting', 'sulfate free', 'natural ingredients', 'dermatologist tested'], sizes: ['1 fl oz', '3.4 fl oz', '6.76 fl oz', '8 ounce', 'pack of 2', 'pack of 3'] },
  { name: 'Grocery & Gourmet Food', sub: ['Snacks', 'Beverages', 'Pantry Staples', 'Candy'], nouns: ['chips', 'crackers', 'tea', 'coffee', 'jerky', 'cookies', 'granola', 'nuts', 'chocolate', 'sauce'],
    adjectives: ['crunchy', 'spicy', 'smoked', 'roasted', 'sweet', 'salted', 'keto'], attributes: ['gluten free', 'non gmo', 'sugar free', 'low carb', 'dairy free', 'ready to eat'], sizes: ['4 ounce', '12 ounce', '1 pound', 'pack of 6', 'pack of 12', 'variety pack'] },
  { name: 'Clothing, Shoes & Jewelry', sub: ['Women', 'Men', 'Girls', 'Boys'], nouns: ['sneakers', 'boots', 'dress', 'jacket', 'hoodie', 'jeans', 'sandals', 'shirt', 'leggings', 'sweater'],
    adjectives: ['casual', 'slim', 'warm', 'lightweight', 'classic', 'vintage', 'athletic'], attributes: ['machine wash', 'rubber sole', 'relaxed fit', 'long sleeve', 'button closure', 'quick drying'], sizes: ['small', 'medium', 'large', 'x-large', 'xx-large', '7', '8', '9.5'] },
  { name: 'Home & Kitchen', sub: ['Furniture', 'Bedding', 'Kitchen & Dining', 'Home Decor'], nouns: ['table', 'chair', 'sofa', 'pillow', 'blanket', 'lamp', 'shelf', 'rug', 'curtain', 'mug'],
    adjectives: ['modern', 'rustic', 'wooden', 'soft', 'foldable', 'decorative', 'ergonomic'], attributes: ['easy clean', 'living room', 'solid wood', 'easy assemble', 'space saving', 'dining room'], sizes: ['twin', 'queen', 'king', '18x18 inch', '5x7 ft', '2 pack'] },
  { name: 'Electronics', sub: ['Headphones', 'Accessories', 'Camera & Photo', 'Computers'], nouns: ['headphones', 'charger', 'cable', 'speaker', 'camera', 'keyboard', 'mouse', 'microphone', 'case', 'tripod'],
    adjectives: ['wireless', 'portable', 'bluetooth', 'compact', 'waterproof', 'rechargeable', 'noise cancelling'], attributes: ['high speed', 'fast charging', 'easy carry', 'plug play', 'high definition', 'long battery life'], sizes: ['3 ft', '6 ft', '10 ft', '1 pack', '2 pack', 'usb-c'] },
];
const COLOURS = ['black', 'white', 'navy blue', 'grey', 'red', 'rose gold', 'dark brown', 'beige', 'olive green', 'pink', 'silver', 'multicolor'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tar', 'vo', 'shi', 'pel', 'dun', 'fra', 'gor', 'ix', 'be', 'zu', 'nal', 'tro', 'qui', 'sem', 'ad', 'or', 'mak', 'sul', 'tin', 'pra', 'wen', 'dol', 'kep', 'ruv', 'ast', 'ling'];

/** A fixed vocabulary of pseudo-words, drawn with a Zipf-like law (rank ~ u^3) so some are common and most rare. */
function vocabulary(size: number, rng: Rng): string[] {
  const words = new Set<string>();
  // 30 syllables, 2 to 5 of them: about 25 million possible words, far more than any size asked for.
  while (words.size < size) {
    const n = 2 + rng.int(4);
    let w = '';
    for (let i = 0; i < n; i++) w += rng.pick(SYLLABLES);
    words.add(w);
  }
  return [...words];
}

const zipf = (rng: Rng, words: string[]) => words[Math.floor(words.length * rng.next() ** 3)];
const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

function asinOf(i: number): string {
  return 'B' + (i * 2654435761 % 2 ** 32).toString(36).toUpperCase().padStart(7, '0').slice(-7) + i.toString(36).toUpperCase().padStart(2, '0').slice(-2);
}

export interface GeneratedProduct { product: Product; contents: string; instruction?: AttributeEntry }

/** Products 0..n-1, one at a time. */
export function* generateProducts(n: number, seed: number): Generator<GeneratedProduct> {
  const rng = createRng(seed);
  const words = vocabulary(Math.max(2000, Math.min(200_000, Math.round(n / 5))), rng);
  const brands = vocabulary(Math.max(200, Math.round(n / 50)), createRng(seed + 1)).map(cap);
  for (let i = 0; i < n; i++) {
    const d = DEPARTMENTS[rng.int(DEPARTMENTS.length)];
    const noun = rng.pick(d.nouns);
    const adj = [rng.pick(d.adjectives), rng.pick(d.adjectives)].filter((a, k, arr) => arr.indexOf(a) === k);
    const extra = Array.from({ length: 2 + rng.int(5) }, () => zipf(rng, words));
    const brand = rng.pick(brands);
    const title = [brand, ...adj.map(cap), cap(noun), ...extra.map(cap)].join(' ');
    const attrs = rng.shuffle([...d.attributes]).slice(0, 1 + rng.int(3));
    const desc = Array.from({ length: 20 + rng.int(40) }, () => zipf(rng, words)).join(' ');
    const bullets = [
      `${cap(attrs[0])}: ${Array.from({ length: 8 + rng.int(8) }, () => zipf(rng, words)).join(' ')}`,
      `${cap(noun)} made for ${rng.pick(d.adjectives)} use ${zipf(rng, words)}`,
      ...(attrs.length > 1 ? [`${cap(attrs[1])} ${zipf(rng, words)}`] : []),
    ];
    const options: Record<string, string[]> = {};
    if (rng.next() < 0.5) options.color = rng.shuffle([...COLOURS]).slice(0, 2 + rng.int(4));
    if (rng.next() < 0.5) options.size = rng.shuffle([...d.sizes]).slice(0, 2 + rng.int(3));
    const low = Math.round((3 + rng.next() ** 2 * 300) * 100) / 100;
    const pricing = rng.next() < 0.1 ? [low, Math.round(low * (1.2 + rng.next()) * 100) / 100] : [low];
    const sub = rng.pick(d.sub);
    const product: Product = {
      asin: asinOf(i), name: title, Title: title, Description: desc, BulletPoints: bullets, Reviews: [], Rating: 'N.A.',
      Price: pricing.length === 1 ? `$${pyFloat(pricing[0])}` : `$${pyFloat(pricing[0])} to $${pyFloat(pricing[1])}`,
      pricing, options, Attributes: attrs, category: d.name.split(' ')[0].toLowerCase(), query: `${noun}`,
      product_category: `${d.name} › ${sub} › ${cap(noun)}`,
    };
    const instruction = rng.next() < 0.4
      ? { attributes: attrs, instruction: `Find me ${adj[0]} ${noun} with ${attrs.join(', ')}`, instruction_attributes: attrs }
      : { attributes: attrs };
    yield { product, contents: indexText(product), instruction };
  }
}

/** Write a generated catalogue: products.jsonl (processed form) and items_ins.json. */
export async function writeCatalogue(dir: string, n: number, seed: number): Promise<{ products: number; goalsProducts: number }> {
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(join(dir, 'products.jsonl'));
  const ins: Record<string, AttributeEntry> = {};
  let withGoals = 0;
  for (const g of generateProducts(n, seed)) {
    if (!out.write(JSON.stringify({ id: g.product.asin, contents: g.contents, product: g.product }) + '\n')) await once(out, 'drain');
    if (g.instruction) { ins[g.product.asin] = g.instruction; if (g.instruction.instruction) withGoals++; }
  }
  out.end();
  await once(out, 'finish');
  writeFileSync(join(dir, 'items_ins.json'), JSON.stringify(ins));
  return { products: n, goalsProducts: withGoals };
}
