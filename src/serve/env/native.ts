/**
 * epo's own routes, for clients that want throughput: `POST /v1/envs` (create, optionally reset to `task`),
 * `POST /v1/envs/{id}/reset` `{task}`, `POST /v1/envs/{id}/step` `{action}`, `DELETE /v1/envs/{id}`, `GET /v1/envs`,
 * and the batch step `POST /v1/envs/step` `{steps: [{id, action}, …], info?}` that steps many instances in one request,
 * each result in request order and each failure inline (one bad id fails only its own entry).
 */
import { RouteError } from './http.js';
import { missingMessage, type InstancePool } from './pool.js';
import type { NativeStep, ServedEnv } from './served.js';

/** The most steps one batch request may carry. */
export const MAX_BATCH = 4096;

function live<S>(pool: InstancePool<S>, id: number): S {
  const got = pool.get(id);
  if (!got.ok) throw new RouteError(404, missingMessage(id, got.why).replace('(POST /create)', '(POST /v1/envs)'), got.why === 'unknown' ? 'unknown_id' : got.why);
  return got.value;
}

const idOf = (text: string): number => {
  if (!/^\d{1,15}$/.test(text)) throw new RouteError(404, `"${text}" is not an instance id (a whole number from POST /v1/envs)`, 'unknown_id');
  return Number(text);
};

export function createInstance<S>(served: ServedEnv<S>, pool: InstancePool<S>): number {
  const id = pool.add(() => served.create());
  if (id === undefined) {
    throw new RouteError(429, `the server holds its limit of ${pool.opts.maxInstances} instances; close some (POST /close or DELETE /v1/envs/{id}) or wait for idle ones to be evicted, or start the server with a higher --max-instances`, 'too_many_instances');
  }
  return id;
}

export type NativeResult = { status?: number; body: unknown };

/** Answer a native request, or undefined when the path is not one of these routes. */
export function nativeRoute<S>(served: ServedEnv<S>, pool: InstancePool<S>, method: string, path: string, body: () => Record<string, unknown>): NativeResult | undefined {
  const parts = path.split('/').slice(3); // '', 'v1', 'envs', …
  const only = (m: string) => { if (method !== m) throw new RouteError(405, `${path} only accepts ${m}`, 'method_not_allowed'); };
  if (parts.length === 0) {
    if (method === 'GET') return { body: { env: served.name, instances: pool.size, max_instances: pool.opts.maxInstances, games: served.games } };
    only('POST');
    const b = body();
    const id = createInstance(served, pool);
    if (b.task === undefined) return { body: { id } };
    try { return { body: { id, ...served.reset(live(pool, id), b.task) } }; } catch (e) { pool.close(id); throw e; }
  }
  if (parts.length === 1 && parts[0] === 'step') {
    only('POST');
    const b = body();
    return { body: { results: batchStep(served, pool, b.steps, b.info === true) } };
  }
  const id = idOf(parts[0]);
  if (parts.length === 1) {
    only('DELETE');
    if (!pool.close(id)) live(pool, id);
    return { body: { id, closed: true } };
  }
  if (parts.length === 2 && parts[1] === 'reset') { only('POST'); return { body: { id, ...served.reset(live(pool, id), body().task) } }; }
  if (parts.length === 2 && parts[1] === 'step') { only('POST'); return { body: served.step(live(pool, id), body().action) }; }
  return undefined;
}

type BatchEntry = ({ id: number } & NativeStep) | { id: unknown; error: { code: string; message: string } };

/** Results carry `info` (e.g. ALFWorld's available actions) only when asked: it is most of a result's bytes. */
export function batchStep<S>(served: ServedEnv<S>, pool: InstancePool<S>, steps: unknown, withInfo = false): BatchEntry[] {
  if (!Array.isArray(steps)) throw new RouteError(400, 'steps must be a list of {id, action}', 'bad_request');
  if (steps.length > MAX_BATCH) throw new RouteError(413, `a batch holds at most ${MAX_BATCH} steps, got ${steps.length}; split it`, 'too_large');
  return steps.map((s: { id?: unknown; action?: unknown } | null): BatchEntry => {
    const id = s?.id;
    try {
      if (typeof id !== 'number' || !Number.isInteger(id)) throw new RouteError(400, 'each step needs an integer id', 'bad_request');
      const r = served.step(live(pool, id), s!.action);
      return withInfo ? { id, ...r } : { id, observation: r.observation, reward: r.reward, done: r.done };
    } catch (e) {
      if (!(e instanceof RouteError)) throw e;
      return { id, error: { code: e.code, message: e.message } };
    }
  });
}
