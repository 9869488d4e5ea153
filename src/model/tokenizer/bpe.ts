/**
 * Byte-level BPE: training on a corpus, encoding and decoding. Vocabulary layout: ids 0..255 are the 256 bytes (in
 * byte order), then one id per learned merge in merge order, then the special tokens. Special tokens are matched
 * in text only when asked (`allowSpecial`), so user content can never forge a chat-role marker.
 */
import { EpoError } from '../../core/errors.js';
import { BYTE_TO_CHAR, fromByteChars, pretokenize, toByteChars } from './bytes.js';
import type { Pretokenize, TextStep } from './pretokenizers.js';

export interface BpeData {
  /** Token strings in byte-level characters, index = id (specials included at their ids). */
  vocab: string[];
  /** Merges in priority order, as pairs of token strings. */
  merges: [string, string][];
  /** Special token strings → ids. */
  specials: Record<string, number>;
}

/** The text pipeline of a loaded tokenizer.json (ours: GPT-2 pre-tokenization, no normalizer, merges always applied). */
export interface BpePipeline {
  pretokenize?: Pretokenize;
  normalize?: TextStep;
  /** A pre-token that is itself in the vocabulary becomes that token without merging (Llama-3's `ignore_merges`). */
  ignoreMerges?: boolean;
}

export class BpeTokenizer {
  readonly vocab: string[];
  readonly merges: [string, string][];
  readonly specials: Record<string, number>;
  private readonly ids = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();
  private readonly specialPattern?: RegExp;
  private readonly pipeline: BpePipeline;

  constructor(data: BpeData, pipeline: BpePipeline = {}) {
    this.pipeline = pipeline;
    this.vocab = data.vocab;
    this.merges = data.merges;
    this.specials = data.specials;
    data.vocab.forEach((t, i) => this.ids.set(t, i));
    data.merges.forEach(([a, b], i) => this.ranks.set(`${a} ${b}`, i));
    for (const b of BYTE_TO_CHAR) {
      if (!this.ids.has(b)) throw new EpoError('BAD_DATA', `the vocabulary lacks the byte token "${b}", so some text could not be encoded`, { where: 'tokenizer vocab' });
    }
    const names = Object.keys(data.specials).sort((x, y) => y.length - x.length);
    if (names.length) this.specialPattern = new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  }

  get vocabSize(): number { return this.vocab.length; }

  /** Id of a special token; throws naming the token when the tokenizer lacks it. */
  special(name: string): number {
    const id = this.specials[name];
    if (id === undefined) throw new EpoError('BAD_DATA', `the tokenizer has no special token ${name}`, { where: 'tokenizer.json added_tokens' });
    return id;
  }

  /** Encode text. With `allowSpecial`, special-token strings in the text become their ids (as HF tokenizers do). */
  encode(text: string, opts: { allowSpecial?: boolean } = {}): number[] {
    if (!opts.allowSpecial || !this.specialPattern) return this.encodeOrdinary(text);
    const out: number[] = [];
    let last = 0;
    for (const m of text.matchAll(this.specialPattern)) {
      out.push(...this.encodeOrdinary(text.slice(last, m.index)), this.specials[m[0]]);
      last = m.index + m[0].length;
    }
    out.push(...this.encodeOrdinary(text.slice(last)));
    return out;
  }

  private encodeOrdinary(text: string): number[] {
    const out: number[] = [];
    const { normalize, pretokenize: split = pretokenize, ignoreMerges } = this.pipeline;
    for (const piece of split(normalize ? normalize(text) : text)) {
      let ids = this.cache.get(piece);
      if (!ids) {
        const chars = toByteChars(piece);
        const whole = ignoreMerges ? this.ids.get(chars) : undefined;
        ids = whole !== undefined && this.vocab[whole] !== undefined && !(chars in this.specials) ? [whole] : this.bpe(chars).map((t) => this.ids.get(t)!);
        if (this.cache.size < 200_000) this.cache.set(piece, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }

  /** Apply merges to one pre-token, lowest rank first (the standard BPE encoding rule). */
  private bpe(word: string): string[] {
    let parts = Array.from(word);
    while (parts.length > 1) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
      }
      if (best < 0) break;
      const [a, b] = this.merges[bestRank];
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) { next.push(a + b); i++; } else next.push(parts[i]);
      }
      parts = next;
    }
    return parts;
  }

  /** Decode ids to text. Special tokens are written out unless `skipSpecial`. */
  decode(ids: readonly number[], opts: { skipSpecial?: boolean } = {}): string {
    let s = '';
    const specialIds = new Set(Object.values(this.specials));
    let text = '';
    for (const id of ids) {
      const tok = this.vocab[id];
      if (tok === undefined) throw new EpoError('BAD_INPUT', `token id ${id} is outside the vocabulary (size ${this.vocab.length})`, { where: 'decode' });
      if (specialIds.has(id)) {
        text += fromByteChars(s);
        s = '';
        if (!opts.skipSpecial) text += tok;
      } else s += tok;
    }
    return text + fromByteChars(s);
  }

  /** The token's string as shown to people (bytes decoded; a cut UTF-8 character shows as U+FFFD). */
  tokenText(id: number): string {
    return Object.values(this.specials).includes(id) ? this.vocab[id] : fromByteChars(this.vocab[id]);
  }

  toData(): BpeData { return { vocab: this.vocab, merges: this.merges, specials: this.specials }; }
}

/**
 * Learn merges from texts until the vocabulary (bytes + merges + specials) reaches `vocabSize`. Pre-tokens are
 * counted once with their frequency; pair counts are updated incrementally, touching only the words that contain
 * the merged pair. Ties go to the pair seen first, so training is deterministic for a given corpus order.
 */
export function trainBpe(texts: Iterable<string>, vocabSize: number, specials: string[]): BpeTokenizer {
  const target = vocabSize - specials.length - 256;
  if (target < 0) throw new EpoError('BAD_INPUT', `vocabulary size ${vocabSize} is smaller than 256 bytes + ${specials.length} special tokens`, { where: 'trainBpe vocabSize' });
  const freq = new Map<string, number>();
  for (const text of texts) for (const p of pretokenize(text)) freq.set(p, (freq.get(p) ?? 0) + 1);

  const vocab: string[] = [...BYTE_TO_CHAR];
  const idOf = new Map<string, number>(vocab.map((t, i) => [t, i]));
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [piece, n] of freq) {
    words.push(Array.from(toByteChars(piece), (ch) => idOf.get(ch)!));
    counts.push(n);
  }
  const key = (a: number, b: number) => a * 1_000_003 + b;
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: number) => {
    const ids = words[w];
    for (let i = 0; i < ids.length - 1; i++) {
      const k = key(ids[i], ids[i + 1]);
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * counts[w]);
      if (sign > 0) {
        let s = pairWords.get(k);
        if (!s) pairWords.set(k, (s = new Set()));
        s.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  const merges: [string, string][] = [];
  while (merges.length < target) {
    let bestKey = -1, bestCount = 1;
    for (const [k, c] of pairCount) if (c > bestCount) { bestCount = c; bestKey = k; }
    if (bestKey < 0) break; // nothing occurs twice: the corpus is exhausted
    const a = Math.floor(bestKey / 1_000_003), b = bestKey % 1_000_003;
    const id = vocab.length;
    vocab.push(vocab[a] + vocab[b]);
    merges.push([vocab[a], vocab[b]]);
    for (const w of pairWords.get(bestKey) ?? []) {
      const ids = words[w];
      addPairs(w, -1);
      const next: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i < ids.length - 1 && ids[i] === a && ids[i + 1] === b) { next.push(id); i++; } else next.push(ids[i]);
      }
      words[w] = next;
      addPairs(w, 1);
    }
    pairCount.delete(bestKey);
    pairWords.delete(bestKey);
  }
  const specialIds: Record<string, number> = {};
  for (const s of specials) { specialIds[s] = vocab.length; vocab.push(s); }
  return new BpeTokenizer({ vocab, merges, specials: specialIds });
}
