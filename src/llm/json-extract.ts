/**
 * Find the JSON value inside a model's answer: models wrap it in prose, code fences or both, and their strings may
 * hold braces. A balanced-bracket scan that steps over string literals finds each candidate; the first that parses
 * wins. (A non-greedy regex cuts `{"a": "}"}` in the wrong place; a greedy one swallows trailing prose.)
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

export type JsonExtraction = { ok: true; value: unknown; start: number; end: number } | { ok: false; error: string };

/**
 * The first JSON object (or, with `arrays`, array) in `text` that parses. Whole-text JSON is tried first; then
 * every `{` in order, so prose such as "use {x}" before the answer is skipped.
 */
export function extractJson(text: string, opts: { arrays?: boolean } = {}): JsonExtraction {
  const trimmed = text.trim();
  try {
    const value = JSON.parse(trimmed);
    if (value !== null && typeof value === 'object' && (opts.arrays || !Array.isArray(value))) {
      return { ok: true, value, start: text.indexOf(trimmed), end: text.indexOf(trimmed) + trimmed.length };
    }
  } catch { /* not bare JSON: scan */ }
  let firstError: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '{' && !(opts.arrays && c === '[')) continue;
    const end = balancedEnd(text, i);
    if (end < 0) {
      firstError ??= `the ${c === '{' ? 'object' : 'array'} opened at character ${i} is never closed`;
      continue;
    }
    try {
      return { ok: true, value: JSON.parse(text.slice(i, end)), start: i, end };
    } catch (e) {
      firstError ??= `invalid JSON at character ${i}: ${(e as Error).message}`;
    }
  }
  return { ok: false, error: firstError ?? `no JSON ${opts.arrays ? 'object or array' : 'object'} found` };
}
