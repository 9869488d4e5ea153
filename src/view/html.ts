/**
 * HTML built by template functions. `html` escapes every interpolated value unless it is already `Html` (built by
 * `html` itself, or marked with `raw` for text that is markup by construction, e.g. generated SVG). One escaping
 * helper, `esc`, serves text and attribute values alike (quotes included).
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string { return this.text; }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in quoted attribute values. */
export const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** Mark markup as trusted (never user or episode text). */
export const raw = (text: string): Html => new Html(text);

const piece = (v: unknown): string => {
  if (v === undefined || v === null || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(piece).join('');
  return esc(v);
};

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1];
  return new Html(out);
}

/** A query string from parameters (empty ones left out), for links. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
