/**
 * Find the JSON value inside a model's answer: models wrap it in prose, code fences or both, and their strings may
 * hold braces. A balanced-bracket scan that steps over string literals finds each candidate; the first that parses
 * wins. (A non-greedy regex cuts `{"a": "}"}` in the wrong place; a greedy one swallows trailing prose.) Models also
 * write raw newlines inside strings, which JSON.parse rejects: such control characters are escaped before a retry.
 */

/** End index (exclusive) of the balanced object/array starting at `start`, or -1 when it never closes. */
export function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * balancedEnd for `start` and, from the same pass, for every bracket it opens outside a string: from such a bracket
 * on, a scan of its own would see the same characters in the same string state, so it closes where this pass closes
 * it, or never (-1) when this pass stops (end of text, mismatched bracket) with it still open. Recorded in `ends`, so
 * a long run of brackets that never close costs one pass instead of one per bracket.
 */
function scanEnds(text: string, start: number, ends: Map<number, number>): void {
  const open: number[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') open.push(i);
    else if (c === '}' || c === ']') {
      const at = open.pop()!;
      if ((text[at] === '{') !== (c === '}')) { ends.set(at, -1); break; }
      ends.set(at, i + 1);
      if (open.length === 0) return;
    }
  }
  for (const at of open) ends.set(at, -1);
}

/** Escape raw control characters that stand inside string literals (outside them they are JSON whitespace). */
export function escapeControlsInStrings(s: string): string {
  let out = '', inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i], code = c.charCodeAt(0);
    if (inString) {
      if (c === '\\') { out += c + (s[i + 1] ?? ''); i++; continue; }
      if (c === '"') inString = false;
      else if (code < 0x20) { out += code === 10 ? '\\n' : code === 9 ? '\\t' : code === 13 ? '\\r' : `\\u${code.toString(16).padStart(4, '0')}`; continue; }
    } else if (c === '"') inString = true;
    out += c;
  }
  return out;
}

/** JSON.parse, retried with control characters escaped when `s` may hold some (the caller can tell it cannot). */
function parseLenient(s: string, mayHoldControls = true): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    if (!mayHoldControls) throw e;
    const escaped = escapeControlsInStrings(s);
    if (escaped === s) throw e;
    return JSON.parse(escaped);
  }
}

export type JsonExtraction = { ok: true; value: unknown; start: number; end: number } | { ok: false; error: string };

export interface ExtractOptions {
  /** Also accept a top-level array. */
  arrays?: boolean;
  /** Only a value this approves counts (e.g. the first object with an `indexes` field); others are skipped. */
  accept?: (value: unknown) => boolean;
}

/**
 * The first JSON object (or, with `arrays`, array) in `text` that parses (and that `accept` approves). Whole-text
 * JSON is tried first; then every `{` in order, so prose such as "use {x}" before the answer is skipped.
 */
export function extractJson(text: string, opts: ExtractOptions = {}): JsonExtraction {
  const accept = opts.accept ?? (() => true);
  const trimmed = text.trim();
  try {
    const value = parseLenient(trimmed);
    if (value !== null && typeof value === 'object' && (opts.arrays || !Array.isArray(value)) && accept(value)) {
      return { ok: true, value, start: text.indexOf(trimmed), end: text.indexOf(trimmed) + trimmed.length };
    }
  } catch { /* not bare JSON: scan */ }
  let firstError: string | undefined;
  const ends = new Map<number, number>();
  // Raw control characters before each position: a candidate without any is not copied again to escape them.
  const controls = new Int32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) controls[i + 1] = controls[i] + (text.charCodeAt(i) < 0x20 ? 1 : 0);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '{' && !(opts.arrays && c === '[')) continue;
    if (!ends.has(i)) scanEnds(text, i, ends);
    const end = ends.get(i)!;
    if (end < 0) {
      firstError ??= `the ${c === '{' ? 'object' : 'array'} opened at character ${i} is never closed`;
      continue;
    }
    try {
      const value = parseLenient(text.slice(i, end), controls[end] > controls[i]);
      if (accept(value)) return { ok: true, value, start: i, end };
      firstError ??= `the JSON at character ${i} is not what was asked for`;
    } catch (e) {
      firstError ??= `invalid JSON at character ${i}: ${(e as Error).message}`;
    }
  }
  return { ok: false, error: firstError ?? `no JSON ${opts.arrays ? 'object or array' : 'object'} found` };
}
