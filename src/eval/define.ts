/**
 * Bring your own environment: what a module exports so that `epo eval --env ./my-env.ts` and `epo selfplay --env
 * ./my-env.ts` can run it. A definition names the environment, lists its tasks per split, makes a fresh `TextEnv`
 * per episode, and gives both roles their words; everything else has a default. `suiteFactory()` turns it into the
 * suite that evaluation and self-play drive, exactly as they drive ALFWorld and WebShop.
 */
import type { EnvPrompts, Example } from '../agents/roles.js';
import type { MaybePromise, Task, TextEnv } from '../core/env.js';
import type { Outcome, Turn } from '../core/episode.js';
import { EpoError } from '../core/errors.js';
import { createRng, hashString } from '../core/random.js';
import type { ScriptedFactory } from '../llm/named-scripts.js';
import type { Suite, SuiteFactory, SuiteOptions } from './suite.js';

export interface EnvironmentDefinition<T extends Task = Task> {
  /** Short name, recorded as the episodes' `env` (letters, digits, `-`, `_`). */
  name: string;
  description?: string;
  /** Tasks per split, in a fixed order (resume and shards rely on it). `data` is the --data folder, if given. */
  splits: Record<string, (o: { data?: string; seed: number }) => MaybePromise<T[]>>;
  /** Split evaluated by default (default: the first split). */
  defaultSplit?: string;
  /** Default self-play splits (default: `train` and `test` when they exist). */
  trainSplit?: string;
  evalSplit?: string;
  makeEnv(): TextEnv<T>;
  /** The words of both roles (and of the actor-only baseline) for this environment. */
  prompts: Omit<EnvPrompts, 'env'>;
  /** Reference step limit. */
  maxSteps: number;
  /** The task family for per-type metrics (default: the task's `type`, else none). */
  taskType?(task: T): string | undefined;
  /** Display names of task types, in report order. */
  typeNames?: Record<string, string>;
  /** A one-shot example for a task (built once per type before the run), or none. */
  example?(task: T): MaybePromise<Example | undefined>;
  /**
   * An episode's outcome from its steps. Default: reward = the sum of step rewards; success = the last step's
   * `info.success` when it is a boolean, else the episode ended (`done`) with a positive reward.
   */
  outcome?(turns: Turn[], reason: string): Outcome;
  /** What of a task to store with each episode (default: the whole task: keep tasks small). */
  taskRecord?(task: T): Record<string, unknown>;
  /** Identifies the data; default: the name and a hash of each split's task ids. */
  dataVersion?: string;
  /** Scripted models this module provides (as `scripted:<name>`), e.g. an expert strategist for tests. */
  scriptedModels?: Record<string, ScriptedFactory>;
}

/** Identity with type checking, for modules: `export default defineEnvironment({ … })`. */
export const defineEnvironment = <T extends Task>(d: EnvironmentDefinition<T>): EnvironmentDefinition<T> => d;

export function defaultOutcome(turns: Turn[], reason: string): Outcome {
  const last = turns[turns.length - 1];
  const reward = turns.reduce((s, t) => s + (Number.isFinite(t.reward) ? t.reward : 0), 0);
  const flag = last?.info?.success;
  const success = typeof flag === 'boolean' ? flag : !!last && last.done && reward > 0;
  return { reward, success, reason };
}

/** Checks a loaded module's definition, naming the module and the field at fault. */
export function validateDefinition(d: unknown, where: string): EnvironmentDefinition {
  const bad = (msg: string): never => { throw new EpoError('BAD_INPUT', `not an environment definition: ${msg}`, { where }); };
  if (!d || typeof d !== 'object') bad('export an object made with defineEnvironment({ … })');
  const o = d as Record<string, unknown>;
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(o.name)) bad('`name` must be letters, digits, "-" or "_"');
  if (!o.splits || typeof o.splits !== 'object' || !Object.keys(o.splits).length) bad('`splits` must map split names to functions that return tasks');
  for (const [k, f] of Object.entries(o.splits as object)) if (typeof f !== 'function') bad(`splits.${k} must be a function`);
  if (typeof o.makeEnv !== 'function') bad('`makeEnv` must be a function that returns a fresh TextEnv');
  const p = o.prompts as Record<string, unknown> | undefined;
  for (const k of ['strategist', 'actor', 'solo', 'invalidAnswer']) if (typeof p?.[k] !== 'string') bad(`prompts.${k} must be a text`);
  if (typeof p?.normaliseAction !== 'function') bad('prompts.normaliseAction must be a function');
  if (!Number.isInteger(o.maxSteps) || (o.maxSteps as number) < 1) bad('`maxSteps` must be a whole number ≥ 1');
  return d as EnvironmentDefinition;
}

/** The suite factory of a definition: split, type filter, order, limit, one-shot examples, data version. */
export function suiteFactory<T extends Task>(d: EnvironmentDefinition<T>): SuiteFactory {
  const splitNames = Object.keys(d.splits);
  const typeOf = (t: T): string | undefined => d.taskType?.(t) ?? (typeof t.type === 'string' ? t.type : undefined);
  return {
    describe: d.description ?? `${d.name} (splits: ${splitNames.join(', ')})`,
    defaults: {
      split: d.defaultSplit ?? splitNames[0],
      trainSplit: d.trainSplit ?? (d.splits.train ? 'train' : splitNames[0]),
      evalSplit: d.evalSplit ?? (d.splits.test ? 'test' : d.defaultSplit ?? splitNames[0]),
    },
    async build(o: SuiteOptions): Promise<Suite<T>> {
      const split = o.split ?? d.defaultSplit ?? splitNames[0];
      const load = d.splits[split];
      if (!load) throw new EpoError('BAD_INPUT', `${d.name} has no split "${split}" (it has ${splitNames.join(', ')})`, { where: '--split' });
      const all = await load({ data: o.data, seed: o.seed });
      if (!Array.isArray(all)) throw new EpoError('BAD_INPUT', `splits.${split} of ${d.name} did not return a list of tasks`, { where: `${d.name} splits.${split}` });
      const ids = new Set<string>();
      for (const t of all) {
        if (!t || typeof t.id !== 'string' || !t.id) throw new EpoError('BAD_INPUT', `a task of ${d.name} split ${split} has no string id`, { where: `${d.name} splits.${split}` });
        if (ids.has(t.id)) throw new EpoError('BAD_INPUT', `task id "${t.id}" appears twice in ${d.name} split ${split}`, { where: `${d.name} splits.${split}` });
        ids.add(t.id);
      }
      let tasks = o.types?.length ? all.filter((t) => o.types!.includes(typeOf(t) ?? '')) : [...all];
      if (o.order === 'shuffle') tasks = createRng(o.seed).shuffle(tasks);
      else if (o.order === 'sorted') tasks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (o.limit) tasks = tasks.slice(0, o.limit);
      if (!tasks.length) throw new EpoError('MISSING_DATA', `${d.name} split ${split} has no tasks${o.types?.length ? ` of types ${o.types.join(', ')}` : ''}`, { where: '--split' });
      const examples = new Map<string, Example | undefined>();
      if (o.example && d.example) {
        for (const t of tasks) {
          const key = typeOf(t) ?? '';
          if (!examples.has(key)) examples.set(key, await d.example(t));
        }
      }
      const named = [...examples.values()].filter(Boolean).length;
      return {
        env: d.name, split, tasks,
        selection: [o.order && o.order !== 'reference' ? `order ${o.order}${o.order === 'shuffle' ? ` (seed ${o.seed})` : ''}` : '', o.types?.length ? `types ${o.types.join(',')}` : ''].filter(Boolean).join('; ') || undefined,
        prompts: { env: d.name, ...d.prompts },
        maxSteps: d.maxSteps,
        exampleName: named ? `${d.name} examples (${named} type${named > 1 ? 's' : ''})` : 'none',
        dataVersion: `${d.dataVersion ?? d.name} ${split}:${all.length}:${hashString(all.map((t) => t.id).join('\n')).toString(16)}`,
        makeEnv: () => d.makeEnv(),
        example: (t) => examples.get(typeOf(t) ?? ''),
        outcome: d.outcome ?? defaultOutcome,
        taskType: typeOf,
        typeNames: d.typeNames,
        taskRecord: (t) => ({ ...(d.taskRecord ? d.taskRecord(t) : t), ...(typeOf(t) !== undefined ? { type: typeOf(t) } : {}) }),
      };
    },
  };
}
