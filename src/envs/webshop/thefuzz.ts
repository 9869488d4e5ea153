/**
 * thefuzz's `fuzz.token_set_ratio` with its defaults, as the WebShop reward calls it. thefuzz's `full_process` with
 * `force_ascii` deletes only the characters U+0080–U+00FF (`str.translate` over that range), then rapidfuzz's default
 * processing maps each character to its lower case when Python's `str.isalnum` holds (letters and numbers of any
 * script) and to a space otherwise, and strips the ends. fuzzball's own `force_ascii` deletes everything above
 * U+007F instead (so `红色` became empty and `red—blue` became `redblue`): the processing is done here, and fuzzball
 * only scores the processed strings. Non-string goal options (a dict's `(name, value)` tuples) are processed from
 * their Python `str()`, as thefuzz does.
 */
import * as fuzz from 'fuzzball';

const ALNUM = /[\p{L}\p{N}]/u; // Python's isalnum: isalpha (L*) or isdecimal/isdigit/isnumeric (N*)

/** thefuzz `full_process(s, force_ascii=True)` (rapidfuzz `default_process` after the Latin-1 deletion). */
export function fullProcess(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 && cp <= 0xff) continue;
    out += ALNUM.test(ch) ? ch.toLowerCase() : ' ';
  }
  return out.replace(/^ +| +$/g, '');
}

const PRINTABLE_NOT = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr` of a str (quotes chosen as Python does; non-printable characters escaped). */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && PRINTABLE_NOT.test(ch)) {
      out += cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's `str()` of a 2-tuple of strings: `('color', 'black')`. */
export const pyTuple = (a: string, b: string): string => `(${pyRepr(a)}, ${pyRepr(b)})`;

const SURROGATE = /[\uD800-\uDFFF]/;

/** token_set_ratio on two strings, thefuzz's processing, rounded to an integer. */
export function thefuzzTokenSetRatio(a: string, b: string): number {
  const pa = fullProcess(a), pb = fullProcess(b);
  // Python measures code points: fuzzball counts UTF-16 units unless told the text has astral characters
  const astral = SURROGATE.test(pa) || SURROGATE.test(pb);
  return fuzz.token_set_ratio(pa, pb, { full_process: false, force_ascii: false, normalize: false, astral });
}
