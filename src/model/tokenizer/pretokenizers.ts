/**
 * The text pipeline in front of byte-level BPE, read from a Hugging Face `tokenizer.json`: the normalizer (none or
 * NFC, as Qwen2 uses) and the pre-tokenizer: GPT-2's `ByteLevel` with its own regex, or the `Sequence` of a regex
 * `Split` (behaviour `Isolated`) and a `ByteLevel` without regex that Llama-3 and Qwen2 use. Their split patterns are
 * written for Oniguruma; `splitPattern` turns one into a JavaScript regex with the same matches.
 */
import { EpoError } from '../../core/errors.js';
import { PRETOKENIZE } from './bytes.js';

export type TextStep = (text: string) => string;
export type Pretokenize = (text: string) => string[];

/**
 * An Oniguruma split pattern as a JavaScript regex. Two things differ in JavaScript: inline case-insensitive groups
 * `(?i:…)` (Node 20 has none: each ASCII letter inside becomes a two-case class) and `\s` (JavaScript's adds U+FEFF
 * and lacks U+0085, Oniguruma's is Unicode White_Space: written as that property).
 */
export function splitPattern(source: string): RegExp {
  let out = '';
  let caseless = -1; // group depth at which a (?i: group opened, or -1
  let depth = 0, inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next === 's') out += '\\p{White_Space}';
      else if (next === 'S') out += '\\P{White_Space}';
      else out += c + (next ?? '');
      i++;
      continue;
    }
    if (inClass) { if (c === ']') inClass = false; out += c; continue; }
    if (c === '[') { inClass = true; out += c; continue; }
    if (c === '(') {
      if (source.startsWith('(?i:', i)) { caseless = depth; out += '(?:'; depth++; i += 3; continue; }
      depth++; out += c; continue;
    }
    if (c === ')') { depth--; if (depth === caseless) caseless = -1; out += c; continue; }
    if (caseless >= 0 && /[a-zA-Z]/.test(c)) { out += `[${c.toLowerCase()}${c.toUpperCase()}]`; continue; }
    out += c;
  }
  try { return new RegExp(out, 'gu'); } catch (e) {
    throw new EpoError('BAD_DATA', `cannot read the split pattern ${JSON.stringify(source)}: ${(e as Error).message}`, { where: 'tokenizer.json:pre_tokenizer' });
  }
}

/** Split `text` keeping every match and every gap between matches as pieces (the `Isolated` behaviour). */
export function isolatedSplit(re: RegExp, text: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m[0] === '') continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(m[0]);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const gpt2: Pretokenize = (text) => text.match(PRETOKENIZE) ?? [];

/** The pre-tokenizer of a tokenizer.json; an EpoError names what is not supported. */
export function readPretokenizer(spec: any, where: string): Pretokenize {
  if (spec?.type === 'ByteLevel') {
    if (spec.add_prefix_space) throw new EpoError('BAD_DATA', 'ByteLevel with add_prefix_space is not supported', { where: `${where}:pre_tokenizer` });
    return spec.use_regex === false ? (t) => (t ? [t] : []) : gpt2;
  }
  if (spec?.type === 'Sequence' && Array.isArray(spec.pretokenizers)) {
    const steps = spec.pretokenizers as any[];
    const last = steps[steps.length - 1];
    if (last?.type !== 'ByteLevel') throw new EpoError('BAD_DATA', 'a pre-tokenizer sequence must end with ByteLevel', { where: `${where}:pre_tokenizer` });
    const splits = steps.slice(0, -1).map((s, i): Pretokenize => {
      const pattern = s?.pattern?.Regex;
      if (s?.type !== 'Split' || typeof pattern !== 'string' || s.behavior !== 'Isolated' || s.invert) {
        throw new EpoError('BAD_DATA', `only regex Split pre-tokenizers with behaviour Isolated are supported, got ${JSON.stringify(s).slice(0, 120)}`, { where: `${where}:pre_tokenizer.pretokenizers[${i}]` });
      }
      const re = splitPattern(pattern);
      return (t) => isolatedSplit(re, t);
    });
    const byteLevel = readPretokenizer(last, where);
    return (text) => {
      let pieces = [text];
      for (const split of splits) pieces = pieces.flatMap(split);
      return pieces.flatMap(byteLevel);
    };
  }
  throw new EpoError('BAD_DATA', `only byte-level BPE is supported, got pre_tokenizer ${JSON.stringify(spec?.type)}`, { where: `${where}:pre_tokenizer` });
}

/** The normalizer of a tokenizer.json: none, NFC (Qwen2), or a sequence of those. */
export function readNormalizer(spec: any, where: string): TextStep | undefined {
  if (spec === null || spec === undefined) return undefined;
  if (spec.type === 'NFC') return (t) => t.normalize('NFC');
  if (spec.type === 'Sequence' && Array.isArray(spec.normalizers)) {
    const steps = (spec.normalizers as any[]).map((s) => readNormalizer(s, where)).filter((s): s is TextStep => !!s);
    return (t) => steps.reduce((acc, f) => f(acc), t);
  }
  throw new EpoError('BAD_DATA', `unsupported normalizer ${JSON.stringify(spec.type)} (supported: none, NFC)`, { where: `${where}:normalizer` });
}
