/**
 * The contract of a single-agent text environment (ALFWorld, WebShop), after Gymnasium's Env: reset, step, and the
 * admissible actions where the environment has them. Engines are synchronous and in-process for speed; a remote
 * environment may return promises, so the rollout awaits every call.
 */
export type MaybePromise<T> = T | Promise<T>;

/** A task the environment can be reset to. `id` is stable across runs (used for resume and sharding). */
export interface Task {
  id: string;
  env: string;
  split?: string;
  /** Task family for per-type metrics (ALFWorld task type, WebShop category, SOTOPIA scenario). */
  type?: string;
  /** The instruction shown to agents, when known before reset. */
  instruction?: string;
  [key: string]: unknown;
}

export interface StepResult {
  observation: string;
  reward: number;
  done: boolean;
  /** Environment-specific facts: `won`, reward parts, page, admissible actions, subgoal progress. */
  info: Record<string, unknown>;
}

export interface TextEnv<T extends Task = Task> {
  readonly name: string;
  /** Start an episode; returns the first observation the agent sees (including the task sentence). */
  reset(task: T, seed?: number): MaybePromise<string>;
  step(action: string): MaybePromise<StepResult>;
  admissibleActions?(): MaybePromise<string[]>;
}

/** A source of tasks: a split of a benchmark or a generated set. */
export interface TaskSource<T extends Task = Task> {
  readonly env: string;
  /** Identifies the exact data used (e.g. release name + content hash), recorded with every run. */
  readonly dataVersion: string;
  list(): T[];
}
