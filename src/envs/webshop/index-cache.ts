/**
 * The search index on disk: built once per catalogue and analyser version, then loaded in milliseconds. One file,
 * a JSON header followed by the raw typed arrays; written to a temporary name and renamed so a crash never leaves
 * a half file that looks complete.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { Bm25Index, type Bm25Data } from './bm25.js';

/** Bump when the analyser or the file layout changes: old cache files are then ignored. */
export const INDEX_FORMAT = 'epo-webshop-bm25-v1';

interface Header { format: string; key: string; terms: number; postings: number; docs: number; sumTotalTermFreq: number; termBytes: number }

const align8 = (n: number) => (n + 7) & ~7;

export function saveIndex(path: string, key: string, index: Bm25Index): void {
  const d = index.data;
  const termBuf = Buffer.from(d.terms.join('\n'), 'utf8');
  const header: Header = { format: INDEX_FORMAT, key, terms: d.terms.length, postings: d.docIds.length, docs: d.norms.length, sumTotalTermFreq: d.sumTotalTermFreq, termBytes: termBuf.length };
  const headBuf = Buffer.from(JSON.stringify(header), 'utf8');
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.part`;
  const fd = openSync(tmp, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeUInt32LE(headBuf.length, 0);
    let pos = 0;
    const write = (b: Uint8Array) => { writeSync(fd, b); pos += b.length; };
    const pad = () => { const p = align8(pos) - pos; if (p) write(Buffer.alloc(p)); };
    write(len); write(headBuf); pad();
    write(termBuf); pad();
    for (const arr of [d.offsets, d.docIds, d.tfs, d.norms]) { write(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)); pad(); }
  } finally { closeSync(fd); }
  renameSync(tmp, path);
}

/** The cached index for `key`, or undefined when absent or built for other data. */
export function loadIndex(path: string, key: string): Bm25Index | undefined {
  if (!existsSync(path)) return undefined;
  const buf = readFileSync(path);
  try {
    const headLen = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(8, 8 + headLen).toString('utf8')) as Header;
    if (header.format !== INDEX_FORMAT || header.key !== key) return undefined;
    let pos = align8(8 + headLen);
    const terms = header.termBytes ? buf.subarray(pos, pos + header.termBytes).toString('utf8').split('\n') : [];
    pos = align8(pos + header.termBytes);
    // Copy into fresh, aligned buffers (the file buffer may be pooled or unaligned).
    const take = <T>(Ctor: { new(n: number): T; BYTES_PER_ELEMENT: number }, n: number): T => {
      const bytes = n * Ctor.BYTES_PER_ELEMENT;
      const out = new Ctor(n);
      new Uint8Array((out as unknown as Uint8Array).buffer).set(buf.subarray(pos, pos + bytes));
      pos = align8(pos + bytes);
      return out;
    };
    const data: Bm25Data = {
      terms,
      offsets: take(Uint32Array, header.terms + 1),
      docIds: take(Uint32Array, header.postings),
      tfs: take(Uint16Array, header.postings),
      norms: take(Uint8Array, header.docs),
      sumTotalTermFreq: header.sumTotalTermFreq,
    };
    return new Bm25Index(data);
  } catch (e) {
    throw new EpoError('BAD_DATA', `search index cache is corrupt (${(e as Error).message}); delete it to rebuild`, { where: path, cause: e });
  }
}
