/**
 * A run keeps one protocol, so its figures describe one condition. Two comparisons guard that:
 * - run against run (`runs merge`): the runs' protocol records must match but for the shard and the code version;
 * - episode against run (`episodes import`, and merges of runs without a protocol record): what an episode records
 *   itself must match what the run fixes: environment, data version, mode, models with their sampling settings
 *   (an actor-only run has no strategist), the protocol (epo's own or the reference release's), the seed rule (episode seed = deriveSeed(run seed, task, trial)) and
 *   the number of trials.
 * A run's conditions come from its `protocol` record (`epo eval`), its `sotopia` record (`epo eval sotopia`,
 * self-play), or else from its first episode (a run made by `epo episodes import`).
 */
import type { Episode, ModelRef } from '../core/episode.js';
import { deriveSeed } from '../core/random.js';
import type { RunStore } from './run-store.js';

type Rec = Record<string, unknown>;

/** JSON with object keys sorted, so records built in another key order compare equal. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

/** A protocol record as comparable text: everything but what differs between shards of one evaluation. */
export function protocolKey(p: Rec | undefined): string | undefined {
  if (!p) return undefined;
  const { shard: _s, codeVersion: _c, mergedFrom: _m, ...rest } = p;
  return canonical({ ...rest, protocol: protocolName(p.protocol) });
}

/** A recorded protocol name; records and episodes made before protocols had names are epo's own. */
const protocolName = (v: unknown): string => (typeof v === 'string' && v ? v : 'epo');

/** What an episode records about the condition it was played in. */
export interface Conditions {
  /** epo or reference (docs/evaluation.md). */
  protocol: string;
  env: string;
  dataVersion?: string;
  mode?: string;
  models: Record<string, ModelRef>;
}

export interface RunConditions extends Conditions {
  /** Where they were read: the run's protocol record, its SOTOPIA record, or its first episode. */
  from: 'protocol' | 'sotopia' | 'episode';
  /** The run seed episode seeds derive from. */
  seed?: number;
  /** Episodes per task, when fixed for the run. */
  trials?: number;
}

export function episodeConditions(e: Episode): Conditions {
  const mode = e.outcome?.mode;
  // the agent loop records it in the outcome; SOTOPIA episodes in the task record
  return { protocol: protocolName(e.outcome?.protocol ?? (e.task as { protocol?: unknown } | undefined)?.protocol), env: e.env, dataVersion: e.dataVersion, ...(typeof mode === 'string' ? { mode } : {}), models: e.models ?? {} };
}

const conditionsKey = (c: Conditions) => canonical({ protocol: c.protocol, env: c.env, dataVersion: c.dataVersion, mode: c.mode, models: c.models });

export function runConditions(store: RunStore): RunConditions | undefined {
  const p = store.getMeta<Rec>('protocol');
  if (p) {
    return { from: 'protocol', protocol: protocolName(p.protocol), env: String(p.env), dataVersion: p.dataVersion as string | undefined, mode: p.mode as string | undefined,
      models: (p.models ?? {}) as Record<string, ModelRef>, seed: p.seed as number | undefined, trials: p.trials as number | undefined };
  }
  const s = store.getMeta<Rec>('sotopia');
  // a SOTOPIA record names the evaluation protocol `evalProtocol` (`protocol` may name the seat arrangement)
  if (s) return { from: 'sotopia', protocol: protocolName(s.evalProtocol ?? (s.protocol === 'reference' ? 'reference' : undefined)), env: String(s.env ?? 'sotopia'), dataVersion: s.dataVersion as string | undefined, models: (s.models ?? {}) as Record<string, ModelRef>, seed: s.seed as number | undefined };
  for (const e of store.episodes(() => {})) return { from: 'episode', ...episodeConditions(e) };
  return undefined;
}

/** The conditions of a run made of this episode's condition (the first episode of an import into a new run). */
export const conditionsOfEpisode = (e: Episode): RunConditions => ({ from: 'episode', ...episodeConditions(e) });

/** Same condition? (Run against run, through what both record.) */
export const sameConditions = (a: Conditions, b: Conditions): boolean => conditionsKey(a) === conditionsKey(b);

const describeModels = (m: Record<string, ModelRef>) => Object.keys(m).sort().map((role) => {
  const { spec, ...settings } = m[role];
  const s = Object.entries(settings).map(([k, v]) => `${k} ${v}`).join(', ');
  return `${role} ${spec}${s ? ` (${s})` : ''}`;
}).join('; ') || 'none';

/** Why this episode does not belong in a run of these conditions (every difference), or undefined when it does. */
export function misfit(run: RunConditions, e: Episode): string | undefined {
  const c = episodeConditions(e);
  const why: string[] = [];
  if (c.protocol !== run.protocol) why.push(`protocol ${c.protocol}, not ${run.protocol}`);
  if (c.env !== run.env) why.push(`environment ${c.env}, not ${run.env}`);
  if (c.dataVersion !== run.dataVersion) why.push(`data version ${c.dataVersion ?? 'none'}, not ${run.dataVersion ?? 'none'}`);
  if (c.mode !== run.mode) why.push(`mode ${c.mode ?? 'none'}, not ${run.mode ?? 'none'}`);
  if (canonical(c.models) !== canonical(run.models)) why.push(`models ${describeModels(c.models)}, not ${describeModels(run.models)}`);
  if (run.seed !== undefined && e.seed !== deriveSeed(run.seed, e.taskId, e.trial)) why.push(`seed ${e.seed}, which does not derive from the run seed ${run.seed} (it comes from a run with another --seed)`);
  if (run.trials !== undefined && e.trial >= run.trials) why.push(`trial ${e.trial}, beyond the run's ${run.trials} trial(s) per task`);
  return why.length ? why.join('; ') : undefined;
}
