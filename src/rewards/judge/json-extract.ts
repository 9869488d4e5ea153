/**
 * Finding JSON objects inside free model text. A string-aware balanced scan: braces inside JSON strings (e.g. a `}` in
 * the judge's reasoning) do not end the object, escaped quotes do not end a string. Raw control characters inside
 * strings (models emit literal newlines) are escaped so that JSON.parse accepts them. Candidates are returned in the
 * order they start; the caller takes the first that parses and fits its schema.
 * Kept apart from src/llm/json-extract.ts on purpose: judges write raw newlines inside their reasoning strings (which
 * JSON.parse rejects), and the judge wants the first object that has an `indexes` field, not the first object.
 */

/** Every balanced `{…}` span in the text, outermost only, with control characters inside strings escaped. */
export function jsonObjectCandidates(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('{', i);
    if (start < 0) break;
    const end = scanObject(text, start);
    if (end === undefined) { i = start + 1; continue; }
    out.push(escapeControls(text.slice(start, end + 1)));
    i = end + 1;
  }
  return out;
}

/** Index of the `}` that closes the object opened at `start`, or undefined when it never closes. */
function scanObject(text: string, start: number): number | undefined {
  let depth = 0, inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i : undefined;
      if (depth < 0) return undefined;
    }
  }
  return undefined;
}

function escapeControls(s: string): string {
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

/** The first candidate that JSON.parse accepts as an object (and `accept` approves), or undefined. */
export function extractJsonObject(text: string, accept: (o: Record<string, unknown>) => boolean = () => true): Record<string, unknown> | undefined {
  for (const cand of jsonObjectCandidates(text)) {
    try {
      const v = JSON.parse(cand) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v) && accept(v as Record<string, unknown>)) return v as Record<string, unknown>;
    } catch { /* try the next candidate */ }
  }
  return undefined;
}
