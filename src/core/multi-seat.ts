/**
 * The contract of a turn-based environment with several seats (SOTOPIA and environments like it): each seat is
 * played by its own agent (an actor, optionally guided by a strategist), sees its own view of the world, and acts
 * only on its turn. `TextEnv` is the one-seat case. Scores per seat, when the environment gives them at the end
 * (SOTOPIA's seven dimensions come from an LLM evaluator), are the loop's business, not the environment's.
 */
import type { MaybePromise, Task } from './env.js';

export interface SeatStep {
  /** What each seat sees now (its whole view: background and the conversation so far), by seat index. */
  views: string[];
  done: boolean;
  /** Why the episode ended (e.g. `left`, `stale`, `max_turns`), when it did. */
  reason?: string;
  info: Record<string, unknown>;
}

export interface MultiSeatEnv<T extends Task = Task, A = string> {
  readonly name: string;
  readonly seats: number;
  /** Start an episode; returns each seat's first view. */
  reset(task: T, seed?: number): MaybePromise<string[]>;
  /** The seat whose turn it is. */
  turn(): number;
  /** The seat in turn acts; acting out of turn is an error. */
  step(seat: number, action: A): MaybePromise<SeatStep>;
  /** The action kinds a seat may take now (e.g. none, speak, leave). */
  actionTypes?(seat: number): readonly string[];
}
