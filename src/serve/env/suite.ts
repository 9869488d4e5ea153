/**
 * Any registered environment (`--env <name|module>`) in the ALFWorld style of AgentGym's protocol: `/create` →
 * `{id}`; `/reset` `{id, game}` → `{id, observation, available_actions, task_id}` where game indexes the suite's
 * tasks of its default split in evaluation order; `/step` `{id, action}` → `{observation, reward,
 * available_actions, done}`; `/observation`, `/available_actions`, `/detail` by `?id=`; `/close`. Errors: `{error}`.
 */
import type { Task, TextEnv } from '../../core/env.js';
import type { Suite } from '../../eval/suite.js';
import { intField, strField } from './fields.js';
import { RouteError } from './http.js';
import { missingMessage, type InstancePool } from './pool.js';
import type { NativeStep, RouteContext, ServedEnv } from './served.js';

export interface SuiteInstance {
  env: TextEnv;
  task?: Task;
  detail: { observation?: string; available_actions: string[]; done: boolean; reward: number; game?: number; steps: number };
}

const stateError = (message: string) => new RouteError(200, message, 'bad_state');

/** Engines may be asynchronous; the server's routes are synchronous, so only synchronous ones are served. */
function now<T>(v: T | Promise<T>, what: string): T {
  if (v instanceof Promise) throw new RouteError(500, `the environment's ${what} returned a promise; the environment server serves synchronous environments only`, 'async_env');
  return v;
}

export function servedSuite(suite: Suite<Task>): ServedEnv<SuiteInstance> {
  const tasks = suite.tasks;
  const instance = (pool: InstancePool<SuiteInstance>, id: number, forReset = false): SuiteInstance => {
    const got = pool.get(id);
    if (!got.ok) throw stateError(missingMessage(id, got.why));
    if (!forReset && !got.value.task) throw stateError(`The environment ${id} has no task yet; reset it to a game first (POST /reset {id, game})`);
    if (!forReset && got.value.detail.done) throw stateError(`The task with environment ${id} has finished.`);
    return got.value;
  };
  const actions = (env: TextEnv) => (env.admissibleActions ? now(env.admissibleActions(), 'admissibleActions') : []);
  const resetTo = (inst: SuiteInstance, game: number) => {
    if (!(Number.isInteger(game) && game >= 0 && game < tasks.length)) throw stateError(`game ${game} is out of range: the ${suite.env} games are 0 to ${tasks.length - 1} (split ${suite.split})`);
    inst.task = tasks[game];
    const observation = now(inst.env.reset(inst.task), 'reset');
    inst.detail = { observation, available_actions: actions(inst.env), done: false, reward: 0, game, steps: 0 };
    return { observation, available_actions: inst.detail.available_actions, task_id: inst.task.id };
  };
  const stepIn = (inst: SuiteInstance, action: string) => {
    const r = now(inst.env.step(action), 'step');
    inst.detail.steps++;
    const done = r.done || inst.detail.steps >= suite.maxSteps;
    const payload = { observation: r.observation, reward: r.reward, available_actions: done ? [] : actions(inst.env), done };
    Object.assign(inst.detail, payload);
    return payload;
  };
  const q = (c: RouteContext<SuiteInstance>) => instance(c.pool, intField(c.query.get('id') ?? undefined, 'id', 'query'));

  return {
    name: suite.env,
    greeting: `This is environment ${suite.env}.`,
    errorShape: 'error',
    games: tasks.length,
    idField: 'id',
    create: () => ({ env: suite.makeEnv(), detail: { available_actions: [], done: false, reward: 0, steps: 0 } }),
    createReply: (id) => ({ id }),
    routes: {
      '/reset': { method: 'POST', handle: (c) => { const id = intField(c.body.id, 'id'); return { id, ...resetTo(instance(c.pool, id, true), intField(c.body.game, 'game')) }; } },
      '/step': { method: 'POST', handle: (c) => { const id = intField(c.body.id, 'id'); const action = strField(c.body.action, 'action'); return stepIn(instance(c.pool, id), action); } },
      '/observation': { method: 'GET', handle: (c) => q(c).detail.observation },
      '/available_actions': { method: 'GET', handle: (c) => q(c).detail.available_actions },
      '/detail': { method: 'GET', handle: (c) => q(c).detail },
    },
    reset: (inst, game) => {
      try { return resetTo(inst, typeof game === 'number' ? game : NaN); } catch (e) { throw e instanceof RouteError && e.status === 200 ? new RouteError(404, e.message, 'bad_task') : e; }
    },
    step: (inst, action): NativeStep => {
      if (typeof action !== 'string') throw new RouteError(400, 'action must be a string', 'bad_action');
      if (!inst.task) throw new RouteError(409, 'the instance has no task yet; reset it first', 'not_reset');
      if (inst.detail.done) throw new RouteError(409, 'the episode has finished; reset the instance to play again', 'finished');
      const p = stepIn(inst, action);
      return { observation: p.observation, reward: p.reward, done: p.done, info: { available_actions: p.available_actions } };
    },
  };
}
