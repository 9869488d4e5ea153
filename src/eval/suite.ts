/**
 * A benchmark suite: what `epo eval <env>` needs from an environment, in one object (tasks of a split, a fresh
 * environment per episode, prompts, one-shot examples, how an episode's outcome is read). Built by the CLI from the
 * environment packages; tests build small ones around fake environments.
 */
import type { Outcome, Turn } from '../core/episode.js';
import type { Task, TextEnv } from '../core/env.js';
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
}
