/**
 * SOTOPIA, which AgentGym lacks, in the style of its servers with a seat per step: `/create` → `{id}`; `/reset`
 * `{id, game}` → `{id, observations: [seat 0's view, seat 1's view], turn, action_types, task_id}`; `/step`
 * `{id, seat, action_type, argument}` → `{observations, turn, done, reason, reward: 0}` (the seat must be the one in
 * turn; the seven-dimension scores come from an evaluator afterwards, not from the environment);
 * `/observation?id=&seat=`, `/available_actions?id=&seat=` (the action types, empty when it is not the seat's turn),
 * `/detail?id=`; `/close` `{id}`. Games index the installed task set (`all`, 450 tasks) or the built-in tasks
 * when SOTOPIA's data is not installed. Errors are `{error}` with status 200, as AgentGym's ALFWorld server gives them.
 */
import { isEpoError } from '../../core/errors.js';
import { ACTION_TYPES, type ActionType, type AgentAction } from '../../envs/sotopia/episode-rules.js';
import { sotopiaEnvTask, SotopiaEnv, type SotopiaEnvTask } from '../../envs/sotopia/env.js';
import type { SotopiaTaskSelection } from '../../envs/sotopia/task-spec.js';
import { intField, strField } from './fields.js';
import { RouteError } from './http.js';
import { missingMessage, type InstancePool } from './pool.js';
import type { NativeStep, RouteContext, ServedEnv } from './served.js';

export interface SotopiaInstance {
  env: SotopiaEnv;
  task?: SotopiaEnvTask;
  game?: number;
  views: string[];
  done: boolean;
  reason?: string;
}

const stateError = (message: string) => new RouteError(200, message, 'bad_state');

export function servedSotopia(selection: SotopiaTaskSelection): ServedEnv<SotopiaInstance> {
  const tasks = selection.tasks.map(sotopiaEnvTask);
  const instance = (pool: InstancePool<SotopiaInstance>, id: number, needTask = true): SotopiaInstance => {
    const got = pool.get(id);
    if (!got.ok) throw stateError(missingMessage(id, got.why));
    if (needTask && !got.value.task) throw stateError(`The environment ${id} has no task yet; reset it to a game first (POST /reset {id, game})`);
    return got.value;
  };
  const resetTo = (inst: SotopiaInstance, game: number) => {
    if (!(Number.isInteger(game) && game >= 0 && game < tasks.length)) throw stateError(`game ${game} is out of range: the SOTOPIA games are 0 to ${tasks.length - 1} (${selection.spec})`);
    Object.assign(inst, { task: tasks[game], game, views: inst.env.reset(tasks[game]), done: false, reason: undefined });
    return { observations: inst.views, turn: inst.env.turn(), action_types: [...inst.env.actionTypes()], task_id: tasks[game].id };
  };
  const stepIn = (inst: SotopiaInstance, seat: number, action: AgentAction) => {
    if (inst.done) throw stateError(`The episode has finished (${inst.reason}); reset it to play again.`);
    if (!(ACTION_TYPES as readonly string[]).includes(action.type)) throw stateError(`action_type must be one of ${ACTION_TYPES.join(', ')}`);
    try {
      const r = inst.env.step(seat, action);
      Object.assign(inst, { views: r.views, done: r.done, reason: r.reason });
      return { observations: r.views, turn: inst.env.turn(), done: r.done, reason: r.reason ?? null, reward: 0 };
    } catch (e) {
      if (isEpoError(e, 'BAD_INPUT')) throw stateError(e.message.replace(/ \(at .*\)$/, ''));
      throw e;
    }
  };
  const seatOf = (v: unknown, source: 'body' | 'query') => {
    const s = intField(v, 'seat', source);
    if (s !== 0 && s !== 1) throw stateError(`seat must be 0 or 1, got ${s}`);
    return s;
  };
  const q = (c: RouteContext<SotopiaInstance>) => instance(c.pool, intField(c.query.get('id') ?? undefined, 'id', 'query'));
  const actionOf = (c: RouteContext<SotopiaInstance>): AgentAction => ({ type: strField(c.body.action_type, 'action_type') as ActionType, argument: typeof c.body.argument === 'string' ? c.body.argument : '' });

  return {
    name: 'sotopia',
    greeting: 'This is environment SOTOPIA.',
    errorShape: 'error',
    games: tasks.length,
    idField: 'id',
    create: () => ({ env: new SotopiaEnv(), views: [], done: false }),
    createReply: (id) => ({ id }),
    routes: {
      '/reset': { method: 'POST', handle: (c) => { const id = intField(c.body.id, 'id'); return { id, ...resetTo(instance(c.pool, id, false), intField(c.body.game, 'game')) }; } },
      '/step': { method: 'POST', handle: (c) => { const inst = instance(c.pool, intField(c.body.id, 'id')); return stepIn(inst, seatOf(c.body.seat, 'body'), actionOf(c)); } },
      '/observation': { method: 'GET', handle: (c) => { const inst = q(c); return inst.views[seatOf(c.query.get('seat') ?? undefined, 'query')]; } },
      '/available_actions': {
        method: 'GET',
        handle: (c) => { const inst = q(c); const seat = seatOf(c.query.get('seat') ?? undefined, 'query'); return inst.done || inst.env.turn() !== seat ? [] : [...inst.env.actionTypes()]; },
      },
      '/detail': { method: 'GET', handle: (c) => { const inst = q(c); return { game: inst.game, task_id: inst.task?.id, turn: inst.env.turn(), done: inst.done, reason: inst.reason ?? null }; } },
    },
    reset: (inst, game) => {
      try { return resetTo(inst, typeof game === 'number' ? game : NaN); } catch (e) { throw e instanceof RouteError ? new RouteError(404, e.message, 'bad_task') : e; }
    },
    step: (inst, action): NativeStep => {
      const a = action as { seat?: unknown; action_type?: unknown; argument?: unknown } | null;
      if (!inst.task) throw new RouteError(409, 'the instance has no task yet; reset it first', 'not_reset');
      if (!a || typeof a !== 'object' || typeof a.action_type !== 'string' || (a.seat !== 0 && a.seat !== 1)) {
        throw new RouteError(400, 'a SOTOPIA action is {seat: 0 or 1, action_type, argument}', 'bad_action');
      }
      try {
        const r = stepIn(inst, a.seat, { type: a.action_type as ActionType, argument: typeof a.argument === 'string' ? a.argument : '' });
        return { observation: r.observations, reward: 0, done: r.done, info: { turn: r.turn, reason: r.reason } };
      } catch (e) { throw e instanceof RouteError ? new RouteError(409, e.message, 'bad_action') : e; }
    },
  };
}
