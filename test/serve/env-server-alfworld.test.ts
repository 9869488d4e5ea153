/** `epo serve env --env alfworld` over real HTTP: AgentGym's ALFWorld call sequence, to a win with the walkthrough. */
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkthrough } from '../../src/envs/alfworld/env.js';
import { gameFile, loadAgentGymGames } from '../../src/serve/env/alfworld-games.js';
import { servedAlfworld } from '../../src/serve/env/alfworld.js';
import { startEnvServer, type RunningEnvServer } from '../../src/serve/env/server.js';
import { findData } from '../helpers/data.js';
import { get, post } from './env-client.js';

const mapping = findData('alfworld', 'splits/agentgym/mappings_test.json');
const alfDir = mapping ? dirname(dirname(dirname(mapping))) : undefined;

describe.skipIf(!mapping)('ALFWorld over AgentGym\'s protocol', () => {
  let server: RunningEnvServer;
  let base: string;
  beforeAll(async () => {
    server = await startEnvServer({ served: servedAlfworld(dirname(alfDir!)) });
    base = server.url;
  });
  afterAll(() => server?.close());

  it('plays game 2420 (the first of mappings_test.json) create → reset → observation → actions → walkthrough to a win', async () => {
    expect((await get(base, '/')).body).toBe('This is environment AlfWorld.');
    const created = await post(base, '/create');
    expect(created).toEqual({ status: 200, body: { id: expect.any(Number) } });
    const id = created.body.id as number;

    const reset = await post(base, '/reset', { id, game: 2420, world_type: 'Text' });
    expect(reset.status).toBe(200);
    expect(reset.body.id).toBe(id);
    expect(reset.body.task_type).toBe('pick_cool_then_place_in_recep-Mug-None-CoffeeMachine-23/trial_T20190908_143209_571893');
    // The welcome banner paragraph is dropped, the rest joined by single newlines, as AgentGym's server does.
    expect(reset.body.observation).not.toContain('Welcome to TextWorld');
    expect(reset.body.observation).toMatch(/^You are in the middle of a room\./);
    expect(reset.body.observation).toContain('\nYour task is to: ');
    expect(reset.body.observation).not.toContain('\n\n');
    expect(reset.body.available_actions).toContain('inventory');

    expect((await get(base, `/observation?id=${id}`)).body).toBe(reset.body.observation);
    expect((await get(base, `/available_actions?id=${id}`)).body).toEqual(reset.body.available_actions);
    expect((await get(base, `/detail?id=${id}`)).body).toMatchObject({ world_type: 'Text', game: 2420, done: false, reward: 0, deleted: false });

    const games = loadAgentGymGames(alfDir!);
    const steps = walkthrough(gameFile(alfDir!, games[2420]));
    let last: any;
    for (const action of steps) {
      last = (await post(base, '/step', { id, action })).body;
      expect(Object.keys(last).sort()).toEqual(['available_actions', 'done', 'observation', 'reward']);
      if (last.done) break;
    }
    expect(last).toMatchObject({ reward: 1, done: true });
    expect(typeof last.reward).toBe('number');
    // A finished task refuses further steps and reads with AgentGym's own message, status 200.
    expect(await post(base, '/step', { id, action: 'look' })).toEqual({ status: 200, body: { error: `The task with environment ${id} has finished.` } });
    expect((await get(base, `/observation?id=${id}`)).body).toEqual({ error: `The task with environment ${id} has finished.` });
    // Reset plays again on the same instance.
    expect((await post(base, '/reset', { id, game: 2421, world_type: 'Text' })).body.task_type).toMatch(/^pick_two_obj_and_place-TissueBox/);
    expect(await post(base, '/close', { id })).toEqual({ status: 200, body: { id, closed: true } });
    expect((await post(base, '/step', { id, action: 'look' })).body.error).toMatch(/The id \d+ has been closed/);
  });

  it('answers bad ids, bad games, bad world types, a step before reset and bad JSON with the protocol\'s shapes', async () => {
    expect(await post(base, '/step', { id: 99999, action: 'look' })).toEqual({ status: 200, body: { error: expect.stringMatching(/^The id 99999 is not valid/) } });
    expect((await get(base, '/detail?id=99999')).body.error).toMatch(/^The id 99999 is not valid/);
    const { id } = (await post(base, '/create')).body;
    expect((await post(base, '/step', { id, action: 'look' })).body.error).toMatch(/has no task yet; reset it/);
    expect((await post(base, '/reset', { id, game: 5000, world_type: 'Text' })).body.error).toMatch(/game 5000 is out of range: AgentGym's ALFWorld games are 0 to 2619/);
    expect((await post(base, '/reset', { id, game: 2420, world_type: 'Dream' })).body).toEqual({ error: 'world_type must be one of "Text", "Embody" and "Hybrid"' });
    // Games 0–2419 are train-split games: named, with how to install them, when that split is absent.
    const train = await post(base, '/reset', { id, game: 0, world_type: 'Text' });
    if (train.body.error) expect(train.body.error).toMatch(/game 0 is in ALFWorld's train split, which is not installed/);
    // Validation failures are FastAPI's 422 with a located detail list.
    const badJson = await post(base, '/step', '{"id": 0, "action": ');
    expect(badJson.status).toBe(422);
    expect(badJson.body.detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body'] });
    expect(await post(base, '/step', { id })).toMatchObject({ status: 422, body: { detail: [{ type: 'missing', loc: ['body', 'action'] }] } });
    expect(await post(base, '/reset', { id: 'x', game: 1, world_type: 'Text' })).toMatchObject({ status: 422, body: { detail: [{ type: 'int_parsing', loc: ['body', 'id'] }] } });
    expect((await get(base, '/observation')).status).toBe(422);
    expect(await get(base, '/nowhere')).toEqual({ status: 404, body: { detail: 'Not Found' } });
    expect(await get(base, '/step')).toEqual({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(await get(base, '/create')).toEqual({ status: 405, body: { detail: 'Method Not Allowed' } });
    // The server is still up after all of it.
    expect((await get(base, '/')).status).toBe(200);
  });
});

