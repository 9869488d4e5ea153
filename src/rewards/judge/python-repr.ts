/**
 * Python's `str()` of plain data (dicts, lists, strings, numbers, booleans, None), because the reference judge is
 * shown the trajectory record as `str(history)`, not as JSON: single quotes unless the text holds a single quote and
 * no double quote, `\n`-style escapes, `\xNN` / `\uNNNN` for characters Python does not print, `True`, `None`, floats
 * with a decimal point.
 */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue } | PyFloat;

/** A number Python holds as a float (`1.0`, not `1`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function charRepr(cp: number, quote: string): string {
  const c = String.fromCodePoint(cp);
  if (c === '\\' || c === quote) return `\\${c}`;
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  if (c !== ' ' && /[\p{C}\p{Z}]/u.test(c)) return cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
  return c;
}

export function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) out += charRepr(ch.codePointAt(0)!, quote);
  return out + quote;
}

/** Python's float repr for the numbers a score takes (shortest round-trip digits, as JavaScript's). */
function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x).replace(/e([+-])(\d)$/, 'e$10$2');
}

export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  if (v instanceof PyFloat) return pyFloat(v.value);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${pyStr(k)}: ${pyRepr(x)}`).join(', ')}}`;
}
