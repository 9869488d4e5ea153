/**
 * A benchmark suite: what `epo eval <env>` needs from an environment, in one object (tasks of a split, a fresh
 * environment per episode, prompts, one-shot examples, how an episode's outcome is read). Built by the CLI from the
 * environment packages; tests build small ones around fake environments.
 */
import type { Outcome, Turn } from '../core/episode.js';
import type { Task, TextEnv } from '../core/env.js';
import type { ChatLayout } from '../agents/layout.js';
import type { EnvPrompts, Example } from '../agents/roles.js';

export interface Suite<T extends Task = Task> {
  env: string;
  split: string;
  dataVersion: string;
  /** The selected tasks in evaluation order (stable: resume and shards rely on it). */
  tasks: T[];
  /** How the tasks were chosen beyond split and count (order, types), for the protocol record. */
  selection?: string;
  prompts: EnvPrompts;
  /** The reference step limit. */
  maxSteps: number;
  makeEnv(): TextEnv<T>;
  /** The one-shot example for a task (may depend on its type), or undefined for zero-shot. */
  example?(task: T): Example | undefined;
  /** Names the example(s) used, for the protocol record. */
  exampleName: string;
  outcome(turns: Turn[], reason: string): Outcome;
  /** What of a task to store with each episode (small: ids, type, goal; not whole game files). */
  taskRecord(task: T): Record<string, unknown>;
  /** The task family for per-type metrics (stored with each episode as `task.type`). */
  taskType?(task: T): string | undefined;
  /** Display names of task types, in report order. */
  typeNames?: Record<string, string>;
  /** The protocol the suite runs under (default epo) and its chat layout (default epo's own). */
  protocol?: string;
  layout?: ChatLayout;
}

/** What choosing a suite's tasks can ask for; a suite ignores what it does not support. */
export interface SuiteOptions {
  split?: string;
  limit?: number;
  /** Only tasks of these types. */
  types?: string[];
  /** Data root (default: EPO_DATA_DIR or ~/.cache/epo/data). */
  data?: string;
  seed: number;
  /** Give the roles a one-shot example. */
  example: boolean;
  /** Task order before `limit`: the suite's reference order, sorted by id, or shuffled by `seed`. */
  order?: 'reference' | 'sorted' | 'shuffle';
}

/** How an environment's suite is made for a split: what the registry holds for every environment. */
export interface SuiteFactory {
  describe: string;
  /** Default splits: evaluated by `epo eval`, and used for self-play training and held-out evaluation. */
  defaults: { split: string; trainSplit: string; evalSplit: string };
  build(o: SuiteOptions): Promise<Suite<any>>;
}
