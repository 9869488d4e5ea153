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

type Cls = 'L' | 'D' | 'J' | 'S' | 'O';
function cls(ch: string): Cls {
  const c = ch.charCodeAt(0);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return 'L';
  if (c >= 48 && c <= 57) return 'D';
  if (c < 128) return c === 95 ? 'J' : 'O';
  if (SINGLE.test(ch)) return 'S';
  if (LETTER.test(ch)) return 'L';
  if (DIGIT.test(ch)) return 'D';
  if (JOINER.test(ch)) return 'J';
  return 'O';
}

/** StandardTokenizer-style segmentation: the word tokens of `text`, original case. */
export function tokenize(text: string): string[] {
  const chars = Array.from(text);
  const classes = chars.map(cls);
  const out: string[] = [];
  let i = 0;
  const n = chars.length;
  while (i < n) {
    const c = classes[i];
    if (c === 'S') { out.push(chars[i]); i++; continue; }
    if (c !== 'L' && c !== 'D' && c !== 'J') { i++; continue; }
    const start = i;
    let last: Cls = c === 'J' ? 'O' : c; // last letter/digit class seen, for the mid-punctuation rules
    let hasWord = c === 'L' || c === 'D';
    i++;
    while (i < n) {
      const k = classes[i];
      if (k === 'L' || k === 'D') { last = k; hasWord = true; i++; continue; }
      if (k === 'J') { i++; continue; }
      if (k === 'O' && i + 1 < n) {
        const ch = chars[i];
        const next = classes[i + 1];
        const letterJoin = last === 'L' && next === 'L' && (MID_LETTER.has(ch) || MID_NUM_LET.has(ch));
        const digitJoin = last === 'D' && next === 'D' && (MID_NUM.has(ch) || MID_NUM_LET.has(ch));
        if (letterJoin || digitJoin) { i += 2; continue; }
      }
      break;
    }
    if (hasWord) out.push(chars.slice(start, i).join(''));
  }
  return out;
}

const stemCache = new Map<string, string>();

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
