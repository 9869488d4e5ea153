/**
 * The text analysis of the original search index (Anserini's default English analyzer on Lucene 8): Unicode word
 * segmentation as Lucene's StandardTokenizer does it (UAX #29 word rules), English possessive removal, lower-casing,
 * Lucene's 33 English stop words, then the Porter stemmer. Index and queries go through the same chain.
 */
import { porterStem } from './porter.js';

/** Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not', 'of',
  'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'will', 'with',
]);

// Word-break classes (UAX #29) that matter for the tokens Lucene emits.
const MID_LETTER = new Set([':', '\u00b7', '\u0387', '\u05f4', '\u2027', '\ufe13', '\ufe55', '\uff1a']);
const MID_NUM_LET = new Set(['.', '\u2018', '\u2019', '\u2024', '\ufe52', '\uff07', '\uff0e', "'"]);
const MID_NUM = new Set([',', ';', '\u037e', '\u0589', '\u060c', '\u060d', '\u066c', '\u07f8', '\u2044', '\ufe10', '\ufe14', '\ufe50', '\ufe54', '\uff0c', '\uff1b']);
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const JOINER = /[\p{M}\p{Cf}\p{Pc}]/u; // Extend, Format, ExtendNumLet: stay inside a word
const SINGLE = /[\p{Script=Han}\p{Script=Hiragana}]/u; // ideographs and hiragana are one token each

// Classes: 1 letter, 2 digit, 3 joiner (stays inside a word), 4 single-character token, 0 other.
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII[c] = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : c >= 48 && c <= 57 ? 2 : c === 95 ? 3 : 0;

function clsOf(ch: string, code: number): number {
  if (code < 128) return ASCII[code];
  if (SINGLE.test(ch)) return 4;
  if (LETTER.test(ch)) return 1;
  if (DIGIT.test(ch)) return 2;
  if (JOINER.test(ch)) return 3;
  return 0;
}

/** StandardTokenizer-style segmentation: the word tokens of `text`, original case. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  // Class and width (1 or 2 UTF-16 units) of the code point at i.
  const at = (i: number): [number, number] => {
    const code = text.charCodeAt(i);
    if (code < 128) return [ASCII[code], 1];
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    return [clsOf(String.fromCodePoint(cp), cp), w];
  };
  let i = 0;
  while (i < n) {
    const [c, w] = at(i);
    if (c === 4) { out.push(text.slice(i, i + w)); i += w; continue; }
    if (c === 0) { i += w; continue; }
    const start = i;
    let last = c === 3 ? 0 : c; // last letter/digit class, for the mid-punctuation rules
    let hasWord = c !== 3;
    i += w;
    while (i < n) {
      const [k, kw] = at(i);
      if (k === 1 || k === 2) { last = k; hasWord = true; i += kw; continue; }
      if (k === 3) { i += kw; continue; }
      if (k === 0 && i + kw < n) {
        const ch = text[i];
        const next = at(i + kw)[0];
        const letterJoin = last === 1 && next === 1 && (MID_LETTER.has(ch) || MID_NUM_LET.has(ch));
        const digitJoin = last === 2 && next === 2 && (MID_NUM.has(ch) || MID_NUM_LET.has(ch));
        if (letterJoin || digitJoin) { i += kw; continue; }
      }
      break;
    }
    if (hasWord) out.push(text.slice(start, i));
  }
  return out;
}

const stemCache = new Map<string, string>();

/** Forget memoised stems (after building a large index). */
export function clearStemCache(): void { stemCache.clear(); }

/** The analysed terms of `text` (what the index stores and what a query looks up). */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (let tok of tokenize(text)) {
    // EnglishPossessiveFilter runs before lower-casing: a trailing 's / ’s / ＇s goes.
    const l = tok.length;
    if (l >= 2 && (tok[l - 1] === 's' || tok[l - 1] === 'S') && (tok[l - 2] === "'" || tok[l - 2] === '\u2019' || tok[l - 2] === '\uff07')) tok = tok.slice(0, l - 2);
    const lower = tok.toLowerCase();
    if (lower.length === 0 || STOP_WORDS.has(lower)) continue;
    let stem = stemCache.get(lower);
    if (stem === undefined) {
      stem = porterStem(lower);
      if (stemCache.size < 2_000_000) stemCache.set(lower, stem);
    }
    terms.push(stem);
  }
  return terms;
}
