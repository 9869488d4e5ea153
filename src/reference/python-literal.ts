/**
 * Reading string literals out of Python source, for the extracts of the reference release's templates: a literal at
 * a position (quotes ', ", ''', """, with an optional r/f/b prefix), and the literals found after an anchor text.
 * Values are decoded as Python decodes them (escapes; raw strings kept as written); f-string fields stay as written
 * (`{profile.first_name}`), since the layout code fills them.
 */
import { EpoError } from '../core/errors.js';

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Python's escape decoding for the escapes templates use; an unknown escape stays as written, as Python keeps it. */
export function decodeEscapes(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) { out += c; continue; }
    const n = body[i + 1];
    if (n === '\n') { i++; continue; } // a backslash at the end of a line continues it
    if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) { out += String.fromCharCode(parseInt(body.slice(i + 2, i + 4), 16)); i += 3; continue; }
    if (n in ESCAPES) { out += ESCAPES[n]; i++; continue; }
    out += c;
  }
  return out;
}

export interface Literal {
  value: string;
  /** Index just after the closing quote. */
  end: number;
}

/** The literal starting at `i` (its prefix letters included), or undefined when none starts there. */
export function literalAt(src: string, i: number): Literal | undefined {
  const m = /^([rRfFbBuU]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 5));
  if (!m) return undefined;
  const raw = /r/i.test(m[1]);
  const quote = m[2];
  let j = i + m[0].length;
  const start = j;
  while (j < src.length) {
    if (src[j] === '\\') { j += 2; continue; }
    if (src.startsWith(quote, j)) {
      const body = src.slice(start, j);
      return { value: raw ? body : decodeEscapes(body), end: j + quote.length };
    }
    if (quote.length === 1 && src[j] === '\n') return undefined;
    j++;
  }
  return undefined;
}

/** Adjacent literals from `i` (Python joins `"a" "b"`), skipping whitespace and line breaks between them. */
export function joinedLiteralsAt(src: string, i: number): Literal | undefined {
  let value = '';
  let end = i;
  let found = false;
  for (;;) {
    let j = end;
    while (j < src.length && /\s/.test(src[j])) j++;
    const lit = literalAt(src, j);
    if (!lit) break;
    value += lit.value; end = lit.end; found = true;
  }
  return found ? { value, end } : undefined;
}

/** Index of `anchor` at or after `from`, or an EpoError naming the file when the source no longer holds it. */
export function findAnchor(src: string, anchor: string, file: string, from = 0): number {
  const k = src.indexOf(anchor, from);
  if (k < 0) throw new EpoError('BAD_DATA', `${file} does not hold "${anchor}": not the pinned release's file; install the epo-reference data at the pinned commit`, { where: file });
  return k;
}

/** The (joined) literal that follows `anchor` (after any text up to the first quote on the anchor's line or the next). */
export function literalAfter(src: string, anchor: string, file: string, from = 0): Literal {
  const k = findAnchor(src, anchor, file, from) + anchor.length;
  const q = src.slice(k).search(/[rRfF]?['"]/);
  const lit = q < 0 ? undefined : joinedLiteralsAt(src, k + q);
  if (!lit) throw new EpoError('BAD_DATA', `${file}: no string literal after "${anchor}"`, { where: file });
  return lit;
}

/** SOTOPIA's `format_docstring`: every line break followed by spaces becomes a bare line break, then the ends trimmed. */
export const formatDocstring = (s: string): string => s.replace(/\n +/g, '\n').trim();
