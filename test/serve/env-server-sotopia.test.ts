/** `epo serve env --env sotopia` over real HTTP: the AgentGym-style sequence with a seat per step (built-in tasks). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTasks } from '../../src/envs/sotopia/task-spec.js';
import { startEnvServer, type RunningEnvServer } from '../../src/serve/env/server.js';
import { servedSotopia } from '../../src/serve/env/sotopia.js';
import { get, post } from './env-client.js';

describe('SOTOPIA over the AgentGym-style protocol', () => {
  let server: RunningEnvServer;
  let base: string;
  const selection = selectTasks('builtin', 'test');
  beforeAll(async () => {
    server = await startEnvServer({ served: servedSotopia(selection) });
    base = server.url;
  });
  afterAll(() => server?.close());

  it('create → reset → each seat\'s view → turns in order → leave ends it', async () => {
    const { id } = (await post(base, '/create')).body;
    const reset = (await post(base, '/reset', { id, game: 0 })).body;
    expect(reset).toMatchObject({ id, turn: 0, task_id: selection.tasks[0].combo.id, action_types: ['none', 'speak', 'non-verbal communication', 'action', 'leave'] });
    expect(reset.observations).toHaveLength(2);
    expect(reset.observations[0]).not.toBe(reset.observations[1]);
    expect((await get(base, `/observation?id=${id}&seat=1`)).body).toBe(reset.observations[1]);
    expect((await get(base, `/available_actions?id=${id}&seat=0`)).body).toContain('speak');
    expect((await get(base, `/available_actions?id=${id}&seat=1`)).body).toEqual([]);

    // Seat 1 acting out of turn is refused, in the `{error}` shape, and changes nothing.
    expect((await post(base, '/step', { id, seat: 1, action_type: 'speak', argument: 'Hi' })).body.error).toMatch(/seat 1 acted out of turn \(it is seat 0's turn\)/);
    const s1 = (await post(base, '/step', { id, seat: 0, action_type: 'speak', argument: 'Hello there, neighbour.' })).body;
    expect(s1).toMatchObject({ turn: 1, done: false, reason: null, reward: 0 });
    expect(s1.observations[1]).toContain('Hello there, neighbour.');
    const s2 = (await post(base, '/step', { id, seat: 1, action_type: 'leave', argument: '' })).body;
    expect(s2).toMatchObject({ done: true, reason: 'left' });
    expect((await post(base, '/step', { id, seat: 0, action_type: 'speak', argument: 'wait' })).body.error).toMatch(/The episode has finished \(left\)/);
    expect((await get(base, `/detail?id=${id}`)).body).toEqual({ game: 0, task_id: selection.tasks[0].combo.id, turn: 0, done: true, reason: 'left' });
  });

  it('answers bad ids, games, seats and action types without failing', async () => {
    expect((await post(base, '/step', { id: 777, seat: 0, action_type: 'speak' })).body.error).toMatch(/^The id 777 is not valid/);
    const { id } = (await post(base, '/create')).body;
    expect((await post(base, '/reset', { id, game: 999 })).body.error).toMatch(/game 999 is out of range: the SOTOPIA games are 0 to \d+ \(builtin\)/);
    await post(base, '/reset', { id, game: 0 });
    expect((await post(base, '/step', { id, seat: 2, action_type: 'speak' })).body.error).toBe('seat must be 0 or 1, got 2');
    expect((await post(base, '/step', { id, seat: 0, action_type: 'sing' })).body.error).toMatch(/^action_type must be one of none, speak/);
    expect(await post(base, '/step', { id, seat: 0 })).toMatchObject({ status: 422, body: { detail: [{ type: 'missing', loc: ['body', 'action_type'] }] } });
  });
});
