/**
 * What loading needs from a processed catalogue besides the search index: each product's ASIN and byte range, its
 * listed price(s), and how many goals it contributes. Cached beside the index so a large catalogue opens without
 * re-reading it (a million products: seconds instead of half a minute). Keyed by the catalogue, attribute and human
 * instruction files (path, size, modification time).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';

export const SUMMARY_FORMAT = 'epo-webshop-summary-v1';

export interface CatalogueSummary {
  digest: string;
  asins: string[];
  offsets: Float64Array;
  lengths: Uint32Array;
  /** Listed price: lo only (hi NaN), a range, or none (both NaN). */
  lo: Float64Array;
  hi: Float64Array;
  synthetic: Uint32Array;
  human: Uint32Array;
}

export function summaryKey(...files: (string | undefined)[]): string {
  const h = createHash('sha1').update(SUMMARY_FORMAT);
  for (const f of files) {
    if (!f) { h.update('\0-'); continue; }
    const st = statSync(f);
    h.update(`\0${resolve(f)}\0${st.size}\0${st.mtimeMs}`);
  }
  return h.digest('hex');
}

const align8 = (n: number) => (n + 7) & ~7;
type Arr = Float64Array | Uint32Array;

export function saveSummary(path: string, key: string, s: CatalogueSummary): void {
  const names = Buffer.from(s.asins.join('\n'), 'utf8');
  const arrays: Arr[] = [s.offsets, s.lengths, s.lo, s.hi, s.synthetic, s.human];
  const head = Buffer.from(JSON.stringify({ format: SUMMARY_FORMAT, key, digest: s.digest, n: s.asins.length, nameBytes: names.length }), 'utf8');
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.part`;
  const fd = openSync(tmp, 'w');
  try {
    let pos = 0;
    const write = (b: Uint8Array) => { writeSync(fd, b); pos += b.length; };
    const pad = () => { const p = align8(pos) - pos; if (p) write(Buffer.alloc(p)); };
    const len = Buffer.alloc(8); len.writeUInt32LE(head.length, 0);
    write(len); write(head); pad(); write(names); pad();
    for (const a of arrays) { write(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)); pad(); }
  } finally { closeSync(fd); }
  renameSync(tmp, path);
}

export function loadSummary(path: string, key: string): CatalogueSummary | undefined {
  if (!existsSync(path)) return undefined;
  const buf = readFileSync(path);
  const headLen = buf.readUInt32LE(0);
  const head = JSON.parse(buf.subarray(8, 8 + headLen).toString('utf8')) as { format: string; key: string; digest: string; n: number; nameBytes: number };
  if (head.format !== SUMMARY_FORMAT || head.key !== key) return undefined;
  let pos = align8(8 + headLen);
  const asins = head.n ? buf.subarray(pos, pos + head.nameBytes).toString('utf8').split('\n') : [];
  pos = align8(pos + head.nameBytes);
  const take = <T extends Arr>(Ctor: { new(n: number): T; BYTES_PER_ELEMENT: number }): T => {
    const out = new Ctor(head.n);
    const bytes = head.n * Ctor.BYTES_PER_ELEMENT;
    new Uint8Array(out.buffer).set(buf.subarray(pos, pos + bytes));
    pos = align8(pos + bytes);
    return out;
  };
  return {
    digest: head.digest, asins,
    offsets: take(Float64Array), lengths: take(Uint32Array), lo: take(Float64Array), hi: take(Float64Array),
    synthetic: take(Uint32Array), human: take(Uint32Array),
  };
}
