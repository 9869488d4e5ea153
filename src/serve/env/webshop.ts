/**
 * WebShop under AgentGym's `agentenv-webshop` protocol: `/create` → the bare id; `/reset` `{env_idx, session_id}` →
 * `[observation, null]` (session_id indexes the 1k setting's synthetic goals in the reference's shuffled order, as
 * AgentGym's `WebAgentTextEnv(num_products=1000)` does; absent, a random goal); `/step` `{env_idx, action}` →
 * `{state, reward, done, info: null}`; `/available_actions`, `/observation`, `/instruction_text`, `/state` by
 * `?env_idx=`; `/list_envs`; and `/close` `{env_idx}`, which AgentGym's client calls but its server lacks. A new
 * instance starts on a random goal, as AgentGym's does. Errors are FastAPI's `{detail}` with a 4xx status (AgentGym's
 * server answers an unknown id with a bare 500).
 */
import { WebShopEnv } from '../../envs/webshop/env.js';
import { taskFromGoal } from '../../envs/webshop/tasks.js';
import type { WebShopWorld } from '../../envs/webshop/world.js';
import { intField, optionalInt, strField } from './fields.js';
import { RouteError } from './http.js';
import { missingMessage, type InstancePool } from './pool.js';
import type { NativeStep, RouteContext, ServedEnv } from './served.js';

export interface WebshopInstance { env: WebShopEnv; session: number }

export function servedWebshop(world: WebShopWorld, random: () => number = Math.random): ServedEnv<WebshopInstance> {
  const goals = world.syntheticGoals.length;
  const instance = (pool: InstancePool<WebshopInstance>, id: number): WebshopInstance => {
    const got = pool.get(id);
    if (!got.ok) throw new RouteError(404, missingMessage(id, got.why), 'unknown_id');
    return got.value;
  };
  const resetTo = (inst: WebshopInstance, session: number | undefined): string => {
    const s = session ?? Math.floor(random() * goals);
    if (!(s >= 0 && s < goals)) throw new RouteError(404, `session_id ${s} is out of range: the goals are 0 to ${goals - 1}`, 'bad_task');
    inst.session = s;
    return inst.env.reset(taskFromGoal(world, s, 'synthetic'));
  };
  const body = (c: RouteContext<WebshopInstance>) => instance(c.pool, intField(c.body.env_idx, 'env_idx'));
  const query = (c: RouteContext<WebshopInstance>) => instance(c.pool, intField(c.query.get('env_idx') ?? undefined, 'env_idx', 'query'));
  const available = (env: WebShopEnv) => ({ has_search_bar: env.page === 'search', clickables: env.clickables() });

  return {
    name: 'webshop',
    greeting: 'ok',
    errorShape: 'detail',
    games: goals,
    idField: 'env_idx',
    create: () => {
      const inst = { env: new WebShopEnv(world), session: 0 };
      resetTo(inst, undefined);
      return inst;
    },
    createReply: (id) => id,
    routes: {
      '/reset': { method: 'POST', handle: (c) => { const inst = body(c); return [resetTo(inst, optionalInt(c.body.session_id, 'session_id')), null]; } },
      '/step': {
        method: 'POST',
        handle: (c) => {
          const inst = body(c);
          const r = inst.env.step(strField(c.body.action, 'action'));
          return { state: r.observation, reward: r.reward, done: r.done, info: null };
        },
      },
      '/available_actions': { method: 'GET', handle: (c) => available(query(c).env) },
      '/observation': { method: 'GET', handle: (c) => query(c).env.observation() },
      '/instruction_text': { method: 'GET', handle: (c) => `Instruction: ${query(c).env.instruction}` },
      '/state': {
        method: 'GET',
        // No HTML is rendered: the page's text is the observation; the URL names the session as WebShop's does.
        handle: (c) => { const inst = query(c); return { url: `/${inst.session}`, html: '', instruction_text: inst.env.instruction }; },
      },
    },
    reset: (inst, task) => {
      if (task !== undefined && !(typeof task === 'number' && Number.isInteger(task))) throw new RouteError(400, 'task must be a goal index (a whole number)', 'bad_task');
      return { observation: resetTo(inst, task), available_actions: inst.env.admissibleActions() };
    },
    step: (inst, action): NativeStep => {
      if (typeof action !== 'string') throw new RouteError(400, 'action must be a string', 'bad_action');
      const r = inst.env.step(action);
      return { observation: r.observation, reward: r.reward, done: r.done, info: { page: r.info.page, clickables: r.info.clickables, ...(r.info.invalid ? { invalid: true } : {}) } };
    },
  };
}
