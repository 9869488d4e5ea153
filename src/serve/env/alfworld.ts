/**
 * ALFWorld under AgentGym's `agentenv-alfworld` protocol: `/create` → `{id}`; `/reset` `{id, game, world_type}` →
 * `{id, observation, available_actions, task_type}`; `/step` `{id, action}` → `{observation, reward,
 * available_actions, done}`; `/observation`, `/available_actions`, `/detail` by `?id=`; and `/close` `{id}`, which
 * AgentGym's client calls but its server lacks. Like AgentGym, a state error (unknown id, finished task, bad game)
 * answers 200 with `{error}`, and a finished task refuses step and the read routes until it is reset.
 */
import { existsSync } from 'node:fs';
import { AlfworldEnv } from '../../envs/alfworld/env.js';
import { alfworldRoot } from '../../envs/alfworld/tasks.js';
import { gameFile, loadAgentGymGames, processObservation, resetObservation, taskTypeOf, type AgentGymGame } from './alfworld-games.js';
import { intField, strField } from './fields.js';
import { RouteError } from './http.js';
import { missingMessage, type InstancePool } from './pool.js';
import type { NativeStep, RouteContext, ServedEnv } from './served.js';

const WORLD_TYPES = ['Text', 'Embody', 'Hybrid'];

/** What `/detail` shows, updated as AgentGym's server updates it. */
type Detail = Record<string, unknown> & { done: boolean; reward: number; deleted: boolean };

export interface AlfworldInstance {
  env: AlfworldEnv;
  detail: Detail;
  reset: boolean;
}

/** A state error as AgentGym's ALFWorld server gives it: status 200, `{error}`. */
const stateError = (message: string) => new RouteError(200, message, 'bad_state');

export function instanceOf(pool: InstancePool<AlfworldInstance>, id: number, { forReset = false } = {}): AlfworldInstance {
  const got = pool.get(id);
  if (!got.ok) throw stateError(missingMessage(id, got.why));
  const inst = got.value;
  if (!forReset && !inst.reset) throw stateError(`The environment ${id} has no task yet; reset it to a game first (POST /reset {id, game, world_type})`);
  if (!forReset && inst.detail.done) throw stateError(`The task with environment ${id} has finished.`);
  return inst;
}

export function servedAlfworld(dataRoot: string, opts: { maxSteps?: number } = {}): ServedEnv<AlfworldInstance> {
  const dir = alfworldRoot(dataRoot);
  const games: AgentGymGame[] = loadAgentGymGames(dir);

  const resetTo = (inst: AlfworldInstance, game: number, worldType: string) => {
    if (!(game >= 0 && game < games.length)) throw stateError(`game ${game} is out of range: AgentGym's ALFWorld games are 0 to ${games.length - 1}`);
    const g = games[game];
    const file = gameFile(dir, g);
    if (!existsSync(file)) throw stateError(`game ${game} is in ALFWorld's ${g.split} split, which is not installed (${file}); run: epo data install alfworld [--from DIR]`);
    const observation = resetObservation((inst.env.reset(file), inst.env.rawObservation));
    const available_actions = inst.env.admissibleActions();
    inst.reset = true;
    inst.detail = { world_type: worldType, game, observation, available_actions, done: false, reward: 0, deleted: false };
    return { observation, available_actions, task_type: taskTypeOf(g) };
  };

  const stepIn = (inst: AlfworldInstance, action: string) => {
    const r = inst.env.step(action);
    const payload = { observation: processObservation(r.observation), reward: r.reward, available_actions: (r.info.admissible as string[]) ?? [], done: r.done };
    Object.assign(inst.detail, payload);
    return payload;
  };

  const id = (c: RouteContext<AlfworldInstance>) => intField(c.body.id, 'id');
  const qid = (c: RouteContext<AlfworldInstance>) => intField(c.query.get('id') ?? undefined, 'id', 'query');

  return {
    name: 'alfworld',
    greeting: 'This is environment AlfWorld.',
    errorShape: 'error',
    games: games.length,
    idField: 'id',
    create: () => ({ env: new AlfworldEnv({ maxSteps: opts.maxSteps }), detail: { done: false, reward: 0, deleted: false }, reset: false }),
    createReply: (n) => ({ id: n }),
    routes: {
      '/reset': {
        method: 'POST',
        handle: (c) => {
          const n = id(c), game = intField(c.body.game, 'game'), worldType = strField(c.body.world_type, 'world_type');
          if (!WORLD_TYPES.includes(worldType)) throw stateError('world_type must be one of "Text", "Embody" and "Hybrid"');
          return { id: n, ...resetTo(instanceOf(c.pool, n, { forReset: true }), game, worldType) };
        },
      },
      '/step': { method: 'POST', handle: (c) => { const n = id(c), action = strField(c.body.action, 'action'); return stepIn(instanceOf(c.pool, n), action); } },
      '/observation': { method: 'GET', handle: (c) => instanceOf(c.pool, qid(c)).detail.observation },
      '/available_actions': { method: 'GET', handle: (c) => instanceOf(c.pool, qid(c)).detail.available_actions },
      '/detail': { method: 'GET', handle: (c) => instanceOf(c.pool, qid(c)).detail },
    },
    reset: (inst, game) => {
      const n = typeof game === 'number' ? game : NaN;
      if (!Number.isInteger(n)) throw new RouteError(400, 'task must be an AgentGym game index (a whole number)', 'bad_task');
      try { return resetTo(inst, n, 'Text'); } catch (e) { throw e instanceof RouteError ? new RouteError(404, e.message, 'bad_task') : e; }
    },
    step: (inst, action): NativeStep => {
      if (typeof action !== 'string') throw new RouteError(400, 'action must be a string', 'bad_action');
      if (!inst.reset) throw new RouteError(409, 'the instance has no task yet; reset it first', 'not_reset');
      if (inst.detail.done) throw new RouteError(409, 'the episode has finished; reset the instance to play again', 'finished');
      const p = stepIn(inst, action);
      return { observation: p.observation, reward: p.reward, done: p.done, info: { available_actions: p.available_actions } };
    },
  };
}
