/**
 * What the environment server needs from an environment: how to make an instance, AgentGym's routes for it (each
 * environment's own shapes), and the plain reset/step that epo's native `/v1/envs` routes and batch step share.
 */
import type { ErrorShape } from './http.js';
import type { InstancePool } from './pool.js';

export interface RouteContext<S> {
  pool: InstancePool<S>;
  body: Record<string, unknown>;
  query: URLSearchParams;
}

/** A route answers with the JSON body (status 200) or throws a RouteError. */
export interface Route<S> {
  method: 'GET' | 'POST';
  handle(ctx: RouteContext<S>): unknown;
}

export interface NativeStep {
  observation: unknown;
  reward: number;
  done: boolean;
  info?: Record<string, unknown>;
}

export interface ServedEnv<S> {
  readonly name: string;
  /** What `GET /` answers (AgentGym's servers greet with a string). */
  readonly greeting: string;
  /** How this environment's AgentGym server shows errors. */
  readonly errorShape: Exclude<ErrorShape, 'native'>;
  /** How many games `reset` accepts (indices 0 to games − 1). */
  readonly games: number;
  create(): S;
  /** AgentGym's routes, keyed by path (`/reset`); `/` and the create route are the server's. */
  readonly routes: Record<string, Route<S>>;
  /** How `/create` answers with a new id (ALFWorld: `{id}`, WebShop: the bare id). */
  createReply(id: number): unknown;
  /** The id field AgentGym's requests carry (`id`, WebShop's `env_idx`). */
  readonly idField: string;
  /** Native routes: reset to a game (an index, or what the environment accepts), step with an action. */
  reset(s: S, game: unknown): Record<string, unknown>;
  step(s: S, action: unknown): NativeStep;
}
