/**
 * The shape every episode must have to be stored and read back: the fields and types the store, the reports and the
 * dataset builders rely on. Checked on import (each line of a JSON Lines file) and on read (each stored row), so a
 * bad record is named where it is instead of failing later somewhere else.
 */

export interface ShapeProblem {
  /** The field at fault, e.g. `trial`, `turns[2].actor.output`. */
  field?: string;
  message: string;
}

const REQUIRED = ['id', 'run', 'env', 'taskId', 'trial', 'seed', 'turns', 'outcome', 'finishedAt'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => { const s = JSON.stringify(v) ?? String(v); return s.length > 40 ? `${s.slice(0, 39)}…` : s; };
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);
const bad = (field: string, want: string, v: unknown): ShapeProblem => ({ field, message: `field ${field} must be ${want}, got ${show(v)} (${kind(v)})` });

/** A model call; `stored` calls may carry their input as a reused prefix plus appended messages (see codec.ts). */
function callProblem(field: string, c: unknown, stored: boolean): ShapeProblem | undefined {
  if (c === undefined) return undefined;
  if (!isObj(c)) return bad(field, 'an object', c);
  if (typeof c.output !== 'string') return bad(`${field}.output`, 'a string', c.output);
  if (c.input === undefined && stored) return undefined;
  if (!Array.isArray(c.input)) return bad(`${field}.input`, 'an array of chat messages', c.input);
  return undefined;
}

/** What is wrong with this record as an episode, or undefined when nothing is. */
export function episodeShapeProblem(x: unknown, opts: { stored?: boolean } = {}): ShapeProblem | undefined {
  if (!isObj(x)) return { message: `an episode must be a JSON object, got ${kind(x)}` };
  const missing = REQUIRED.filter((k) => x[k] === undefined);
  if (missing.length) return { field: missing[0], message: `episode is missing field(s) ${missing.join(', ')}` };
  for (const k of ['id', 'run', 'env', 'taskId'] as const) if (typeof x[k] !== 'string' || (k !== 'run' && x[k] === '')) return bad(k, 'a non-empty string', x[k]);
  if (!Number.isInteger(x.trial) || (x.trial as number) < 0) return bad('trial', 'an integer ≥ 0', x.trial);
  if (!Number.isInteger(x.seed)) return bad('seed', 'an integer', x.seed);
  if (typeof x.finishedAt !== 'string') return bad('finishedAt', 'a date string', x.finishedAt);
  if (x.models !== undefined) {
    if (!isObj(x.models)) return bad('models', 'an object (role → model)', x.models);
    for (const [role, m] of Object.entries(x.models)) if (!isObj(m) || typeof m.spec !== 'string') return bad(`models.${role}`, 'a model ({ spec, … })', m);
  }
  const o = x.outcome;
  if (!isObj(o)) return bad('outcome', 'an object', o);
  if (typeof o.reward !== 'number' || !Number.isFinite(o.reward)) return bad('outcome.reward', 'a number', o.reward);
  if (typeof o.success !== 'boolean') return bad('outcome.success', 'true or false', o.success);
  if (typeof o.reason !== 'string') return bad('outcome.reason', 'a string', o.reason);
  if (!Array.isArray(x.turns)) return bad('turns', 'an array of turns', x.turns);
  for (const [i, t] of x.turns.entries()) {
    if (!isObj(t)) return bad(`turns[${i}]`, 'an object', t);
    const p = callProblem(`turns[${i}].strategist`, t.strategist, !!opts.stored) ?? callProblem(`turns[${i}].actor`, t.actor, !!opts.stored);
    if (p) return p;
  }
  return undefined;
}
