/**
 * The byte ↔ printable-character map of byte-level BPE (the GPT-2 convention that Hugging Face's `ByteLevel`
 * pre-tokenizer and decoder use): printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 onwards.
 * Keeping this exact map is what makes our `tokenizer.json` load in other tools.
 */
export const BYTE_TO_CHAR: string[] = [];
export const CHAR_TO_BYTE = new Map<string, number>();
{
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const ch = String.fromCodePoint(printable(b) ? b : 256 + extra++);
    BYTE_TO_CHAR[b] = ch;
    CHAR_TO_BYTE.set(ch, b);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 bytes of a string, each shown as its byte-level character. */
export function toByteChars(text: string): string {
  let s = '';
  for (const b of encoder.encode(text)) s += BYTE_TO_CHAR[b];
  return s;
}

/** Back from byte-level characters to text; invalid UTF-8 (a cut multi-byte character) becomes U+FFFD. */
export function fromByteChars(s: string): string {
  const bytes: number[] = [];
  for (const ch of s) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
    else bytes.push(...encoder.encode(ch));
  }
  return decoder.decode(new Uint8Array(bytes));
}

/**
 * The GPT-2 pre-tokenisation pattern (what Hugging Face's `ByteLevel` pre-tokenizer applies with `use_regex: true`):
 * contractions, letter runs, digit runs and punctuation runs each with an optional leading space, then whitespace.
 */
export const PRETOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export const pretokenize = (text: string): string[] => text.match(PRETOKENIZE) ?? [];
