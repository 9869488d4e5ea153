/**
 * Where products live once loaded. A processed catalogue stays on disk: only each product's byte range and ASIN
 * are kept, and a product is parsed again when a page or the reward needs it (a small cache keeps the hot ones), so
 * a million products take tens of megabytes instead of gigabytes. Small in-memory lists (raw files, tests) use the
 * same interface.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Product } from './types.js';

export interface ProductSource {
  readonly length: number;
  get(i: number): Product;
  asin(i: number): string;
  /** Position of a product by its ASIN. */
  indexOf(asin: string): number | undefined;
}

export class MemoryProducts implements ProductSource {
  private readonly pos: Map<string, number>;
  constructor(private readonly list: Product[]) { this.pos = new Map(list.map((p, i) => [p.asin, i])); }
  get length(): number { return this.list.length; }
  get(i: number): Product { return this.list[i]; }
  asin(i: number): string { return this.list[i].asin; }
  indexOf(asin: string): number | undefined { return this.pos.get(asin); }
}

const CACHE = 512;

export class FileProducts implements ProductSource {
  private readonly asins: string[] = [];
  private readonly pos = new Map<string, number>();
  private offsets: Float64Array = new Float64Array(1024);
  private lengths: Uint32Array = new Uint32Array(1024);
  private readonly cache = new Map<number, Product>();
  private fd: number | undefined;

  constructor(private readonly path: string, private readonly decode: (raw: Record<string, unknown>, where: string) => Product) {}

  /** Record product `asin` at bytes [offset, offset + length) of the file; returns its position. */
  add(asin: string, offset: number, length: number): number {
    const i = this.asins.length;
    if (i === this.offsets.length) {
      const o = new Float64Array(i * 2); o.set(this.offsets); this.offsets = o;
      const l = new Uint32Array(i * 2); l.set(this.lengths); this.lengths = l;
    }
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.asins.push(asin);
    this.pos.set(asin, i);
    return i;
  }

  /** Reopen from a cached summary: ASINs and byte ranges, no reading. */
  static from(path: string, decode: (raw: Record<string, unknown>, where: string) => Product, asins: string[], offsets: Float64Array, lengths: Uint32Array): FileProducts {
    const f = new FileProducts(path, decode);
    asins.forEach((a, i) => { f.asins.push(a); f.pos.set(a, i); });
    f.offsets = offsets;
    f.lengths = lengths;
    return f;
  }

  /** Byte ranges of the products, for the summary cache. */
  ranges(): { offsets: Float64Array; lengths: Uint32Array } {
    return { offsets: this.offsets.slice(0, this.length), lengths: this.lengths.slice(0, this.length) };
  }

  get length(): number { return this.asins.length; }
  asin(i: number): string { return this.asins[i]; }
  indexOf(asin: string): number | undefined { return this.pos.get(asin); }

  get(i: number): Product {
    const hit = this.cache.get(i);
    if (hit) { this.cache.delete(i); this.cache.set(i, hit); return hit; }
    this.fd ??= openSync(this.path, 'r');
    const buf = Buffer.alloc(this.lengths[i]);
    readSync(this.fd, buf, 0, buf.length, this.offsets[i]);
    const line = JSON.parse(buf.toString('utf8')) as { product: Record<string, unknown> };
    const p = this.decode(line.product, `${this.path} (product ${i})`);
    if (this.cache.size >= CACHE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(i, p);
    return p;
  }

  close(): void { if (this.fd !== undefined) { closeSync(this.fd); this.fd = undefined; } }
}
