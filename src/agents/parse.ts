/**
 * Parsers for the strategist's thought and the actor's action. Models add noise (extra lines, a missing prefix,
 * quotes, markdown, a trailing full stop); the parsers tolerate it and say what they tolerated. An answer that
 * yields nothing usable is a parse failure: the caller turns it into an invalid action and counts it, never crashes.
 */

export interface Parsed {
  /** The extracted thought or action ('' when parsing failed). */
  value: string;
  /** Why nothing usable was found. */
  error?: string;
  /** Noise that was tolerated (e.g. "missing prefix", "extra lines"), for diagnostics. */
  noise: string[];
}

// Spaces, then emphasis marks and spaces, before the colon: `\s*(?:[*_]+\s*)?` reads as `\s*[*_]*\s*` did, without
// trying every split of a long run of spaces.
const FIELD = /^\s*(?:[*_#>`-]+\s*)?(thought|action|observation|actor's action|agent1's action)\s*(?:[*_]+\s*)?:[*_]*\s*(.*)$/i;

/**
 * The text inside `a…b` when that pair wraps all of `t` (a doubled pair such as ``code`` counts as one), else
 * undefined. A pair whose marks also occur inside does not wrap: `"mug 1" is on "desk 1"` holds two quoted names.
 */
function inside(t: string, a: string, b: string): string | undefined {
  let k = 0; // pairs peeled so far; only the next one is checked (building the k-fold marks made this quadratic)
  while (t.length >= (k + 1) * (a.length + b.length) && t.startsWith(a, k * a.length) && t.endsWith(b, t.length - k * b.length)) k++;
  const inner = t.slice(k * a.length, t.length - k * b.length);
  return k > 0 && !inner.includes(a) && !inner.includes(b) ? inner : undefined;
}

/** Strip wrapping quotes, backticks and markdown emphasis from one line. */
export function unwrap(s: string): string {
  let t = s.trim();
  for (let changed = true; changed && t.length > 0;) {
    changed = false;
    for (const [a, b] of [['"', '"'], ["'", "'"], ['`', '`'], ['**', '**'], ['“', '”'], ['<', '>']]) {
      const inner = inside(t, a, b);
      if (inner !== undefined) {
        t = inner.trim();
        changed = true;
      }
    }
  }
  return t;
}

interface Field { name: string; text: string; line: number }

/** Split an answer into labelled fields ("Thought: …", "Action: …"); unlabelled lines continue the previous one. */
function fields(text: string): { fields: Field[]; loose: string[] } {
  const out: Field[] = [];
  const loose: string[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((raw, line) => {
    if (/^\s*```/.test(raw)) return; // code fences carry no content
    const m = FIELD.exec(raw);
    if (m) out.push({ name: m[1].toLowerCase(), text: m[2].trim(), line });
    else if (out.length > 0 && out[out.length - 1].name === 'thought' && raw.trim()) out[out.length - 1].text += ' ' + raw.trim();
    else if (raw.trim()) loose.push(raw.trim());
  });
  return { fields: out, loose };
}

/**
 * The strategist's thought: the text of the first `Thought:` field (continuation lines joined), else the whole
 * answer up to any `Action:`/`Observation:` line. Empty means failure.
 */
export function parseThought(text: string): Parsed {
  const noise: string[] = [];
  const { fields: fs, loose } = fields(text);
  const th = fs.find((f) => f.name === 'thought');
  let value: string;
  if (th) {
    value = th.text;
    if (fs.length > 1 || loose.length > 0) noise.push('extra lines');
  } else {
    noise.push('missing prefix');
    value = loose.join(' ');
    if (fs.length > 0) noise.push('extra lines');
  }
  value = unwrap(value.replace(/\s+/g, ' '));
  if (!value) return { value: '', error: text.trim() ? 'no thought found in the answer' : 'empty answer', noise };
  return { value, noise };
}

export interface ActionParseOptions {
  /** Normalise a candidate (case, spacing, punctuation); return undefined when it is not a command of this env. */
  normalise(candidate: string): string | undefined;
}

/**
 * The actor's action: the first `Action:` field's first line, normalised by the environment. Without a prefix, the
 * first line that normalises to a command is taken. Failure when no candidate is a command.
 */
export function parseAction(text: string, opts: ActionParseOptions): Parsed {
  const noise: string[] = [];
  const { fields: fs, loose } = fields(text);
  const labelled = fs.filter((f) => f.name === 'action').map((f) => f.text);
  if (labelled.length === 0) noise.push('missing prefix');
  if (labelled.length > 1) noise.push('several actions');
  if (fs.some((f) => f.name !== 'action' && f.name !== 'thought') || (labelled.length > 0 && loose.length > 0)) noise.push('extra lines');
  const candidates = labelled.length > 0 ? labelled : loose;
  for (const c of candidates) {
    const v = opts.normalise(unwrap(c));
    if (v) return { value: v, noise };
  }
  if (!text.trim()) return { value: '', error: 'empty answer', noise };
  const shown = (candidates[0] ?? text.trim()).slice(0, 80);
  return { value: '', error: labelled.length ? `"${shown}" is not a valid command` : 'no action found in the answer', noise };
}

/** Counts of parse outcomes, summed over turns and episodes. */
export interface ParseCounts {
  thoughtFailures: number;
  actionFailures: number;
  /** Answers that parsed only after tolerating noise. */
  noisy: number;
}

export const noParseFailures = (): ParseCounts => ({ thoughtFailures: 0, actionFailures: 0, noisy: 0 });
