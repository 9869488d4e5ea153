/**
 * BM25 search as the original's Lucene 8 index scores it: k1 0.9, b 0.4, idf log(1 + (N - df + 0.5)/(df + 0.5)),
 * document lengths stored in Lucene's lossy one-byte norm (exact below 24 terms), float32 arithmetic per term,
 * query terms repeated in a query weigh as many times (Anserini's bag-of-words query), ties broken as Anserini's
 * searcher breaks them: by the document id string (the ASIN) in ascending order. The index is a compressed-row postings table in typed arrays, so a million products fit in a few
 * hundred megabytes and load from disk without parsing.
 */
import { analyze } from './analyzer.js';

export const BM25_K1 = 0.9;
export const BM25_B = 0.4;
export const SEARCH_RETURN_N = 50;

/** Lucene's SmallFloat.intToByte4 / byte4ToInt: document lengths are stored in one byte. */
const NUM_FREE_VALUES = 24;
function longToInt4(i: number): number {
  const numBits = 32 - Math.clz32(i);
  if (numBits < 4) return i;
  const shift = numBits - 4;
  return ((i >>> shift) & 0x07) | ((shift + 1) << 3);
}
function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}
export function lengthToNorm(len: number): number {
  return len < NUM_FREE_VALUES ? len : NUM_FREE_VALUES + longToInt4(len - NUM_FREE_VALUES);
}
export function normToLength(norm: number): number {
  return norm < NUM_FREE_VALUES ? norm : Math.min(NUM_FREE_VALUES + int4ToLong(norm - NUM_FREE_VALUES), 2 ** 31 - 1);
}

export interface Bm25Data {
  /** Terms in id order. */
  terms: string[];
  /** Postings of term t are docIds/tfs[offsets[t] .. offsets[t+1]). */
  offsets: Uint32Array;
  docIds: Uint32Array;
  tfs: Uint16Array;
  /** One-byte encoded length per document. */
  norms: Uint8Array;
  sumTotalTermFreq: number;
}

export interface Hit { doc: number; score: number }

export class Bm25Index {
  readonly docCount: number;
  private readonly termIds = new Map<string, number>();
  private readonly normInverse = new Float32Array(256);
  private scores: Float64Array;
  private touched: Uint32Array;
  /** Tie-break order: rank of each document's id string (default: catalogue order). */
  private tieRank: Uint32Array;

  constructor(readonly data: Bm25Data) {
    this.docCount = data.norms.length;
    data.terms.forEach((t, i) => this.termIds.set(t, i));
    const f = Math.fround;
    const avgdl = f(data.sumTotalTermFreq / Math.max(1, this.docCount));
    for (let i = 0; i < 256; i++) {
      const norm = f(BM25_K1 * f(f(1 - BM25_B) + f(f(BM25_B * normToLength(i)) / avgdl)));
      this.normInverse[i] = f(1 / norm);
    }
    this.scores = new Float64Array(this.docCount);
    this.touched = new Uint32Array(this.docCount);
    this.tieRank = Uint32Array.from({ length: this.docCount }, (_, i) => i);
  }

  /** Break score ties by these document ids (compared as Java compares strings: UTF-16 code units). */
  setDocIds(ids: readonly string[]): void {
    if (ids.length !== this.docCount) throw new RangeError(`expected ${this.docCount} document ids, got ${ids.length}`);
    const order = Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : a - b));
    order.forEach((doc, rank) => { this.tieRank[doc] = rank; });
  }

  /** Build from document texts (in catalogue order). */
  static build(texts: Iterable<string>, onProgress?: (done: number) => void): Bm25Index {
    const b = new Bm25Builder(onProgress);
    for (const t of texts) b.add(t);
    return b.finish();
  }

  /** Document frequency of an analysed term (0 when unknown). */
  df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.data.offsets[id + 1] - this.data.offsets[id];
  }

  /** The top `k` documents for a free-text query, best first. */
  search(query: string, k = SEARCH_RETURN_N): Hit[] {
    const f = Math.fround;
    const boosts = new Map<number, number>();
    for (const t of analyze(query)) {
      const id = this.termIds.get(t);
      if (id !== undefined) boosts.set(id, (boosts.get(id) ?? 0) + 1);
    }
    if (boosts.size === 0) return [];
    const { offsets, docIds, tfs, norms } = this.data;
    const scores = this.scores, touched = this.touched, normInv = this.normInverse;
    let nTouched = 0;
    for (const [id, boost] of boosts) {
      const start = offsets[id], end = offsets[id + 1];
      const df = end - start;
      const idf = f(Math.log(1 + (this.docCount - df + 0.5) / (df + 0.5)));
      const weight = f(boost * idf);
      for (let p = start; p < end; p++) {
        const d = docIds[p];
        const s = f(weight - f(weight / f(1 + f(tfs[p] * normInv[norms[d]]))));
        if (scores[d] === 0) touched[nTouched++] = d;
        scores[d] += s;
      }
    }
    // Select the top k by (score desc, id asc) with a small sorted buffer.
    const best: Hit[] = [];
    const rank = this.tieRank;
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i];
      const s = f(scores[d]);
      scores[d] = 0;
      if (best.length === k) {
        const worst = best[k - 1];
        if (s < worst.score || (s === worst.score && rank[d] > rank[worst.doc])) continue;
      }
      let lo = 0, hi = best.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const h = best[mid];
        if (h.score > s || (h.score === s && rank[h.doc] < rank[d])) lo = mid + 1; else hi = mid;
      }
      best.splice(lo, 0, { doc: d, score: s });
      if (best.length > k) best.pop();
    }
    return best;
  }
}

/** Builds an index one document at a time, so the texts never need to be held together. */
export class Bm25Builder {
  private termIds = new Map<string, number>();
  private terms: string[] = [];
  // (term, doc, tf) triples in fixed-size blocks: no doubling and copying as the catalogue grows.
  private static readonly BLOCK = 1 << 22;
  private blocks: { term: Uint32Array; doc: Uint32Array; tf: Uint16Array }[] = [];
  private n = 0;
  private norms: number[] = [];
  private sumTtf = 0;
  private counts = new Map<number, number>();

  constructor(private readonly onProgress?: (done: number) => void) {}

  add(text: string): void {
    const toks = analyze(text);
    const counts = this.counts;
    counts.clear();
    for (const t of toks) {
      let id = this.termIds.get(t);
      if (id === undefined) { id = this.terms.length; this.termIds.set(t, id); this.terms.push(t); }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const doc = this.norms.length;
    const B = Bm25Builder.BLOCK;
    for (const [id, tf] of counts) {
      const b = Math.floor(this.n / B), o = this.n % B;
      if (b === this.blocks.length) this.blocks.push({ term: new Uint32Array(B), doc: new Uint32Array(B), tf: new Uint16Array(B) });
      const blk = this.blocks[b];
      blk.term[o] = id; blk.doc[o] = doc; blk.tf[o] = Math.min(tf, 65535);
      this.n++;
    }
    this.norms.push(lengthToNorm(toks.length));
    this.sumTtf += toks.length;
    if (this.onProgress && (doc + 1) % 100_000 === 0) this.onProgress(doc + 1);
  }

  finish(): Bm25Index {
    const { terms, n, blocks } = this;
    const B = Bm25Builder.BLOCK;
    // Counting sort by term: postings stay in document order within a term.
    const offsets = new Uint32Array(terms.length + 1);
    for (let i = 0; i < n; i++) offsets[blocks[Math.floor(i / B)].term[i % B] + 1]++;
    for (let t = 0; t < terms.length; t++) offsets[t + 1] += offsets[t];
    const fill = offsets.slice(0, terms.length);
    const docIds = new Uint32Array(n), tfs = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const blk = blocks[Math.floor(i / B)], o = i % B;
      const p = fill[blk.term[o]]++;
      docIds[p] = blk.doc[o]; tfs[p] = blk.tf[o];
    }
    const index = new Bm25Index({ terms, offsets, docIds, tfs, norms: Uint8Array.from(this.norms), sumTotalTermFreq: this.sumTtf });
    this.termIds = new Map();
    this.blocks = [];
    return index;
  }
}
