/** The native batch step over real HTTP: many ALFWorld instances stepped in one request, each to a win. */
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkthrough } from '../../src/envs/alfworld/env.js';
import { gameFile, loadAgentGymGames } from '../../src/serve/env/alfworld-games.js';
import { servedAlfworld } from '../../src/serve/env/alfworld.js';
import { MAX_BATCH } from '../../src/serve/env/native.js';
import { startEnvServer, type RunningEnvServer } from '../../src/serve/env/server.js';
import { findData } from '../helpers/data.js';
import { post } from './env-client.js';

const mapping = findData('alfworld', 'splits/agentgym/mappings_test.json');
const alfDir = mapping ? dirname(dirname(dirname(mapping))) : undefined;

describe.skipIf(!mapping)('batch step (POST /v1/envs/step)', () => {
  let server: RunningEnvServer;
  let base: string;
  beforeAll(async () => {
    server = await startEnvServer({ served: servedAlfworld(dirname(alfDir!)) });
    base = server.url;
  });
  afterAll(() => server?.close());

  it('steps four games in lockstep with their walkthroughs until each is won; a bad id fails only its own entry', async () => {
    const games = [2420, 2421, 2422, 2423];
    const all = loadAgentGymGames(alfDir!);
    const plans = games.map((g) => walkthrough(gameFile(alfDir!, all[g])));
    const ids: number[] = [];
    for (const g of games) {
      const r = await post(base, '/v1/envs', { task: g });
      expect(r.body.observation).toContain('Your task is to: ');
      ids.push(r.body.id);
    }
    const won = new Map<number, number>();
    for (let k = 0; won.size < games.length && k < 60; k++) {
      const steps = ids.filter((id) => !won.has(id)).map((id) => ({ id, action: plans[ids.indexOf(id)][k] }));
      const { status, body } = await post(base, '/v1/envs/step', { steps: [...steps, { id: 987654, action: 'look' }] });
      expect(status).toBe(200);
      expect(body.results).toHaveLength(steps.length + 1);
      expect(body.results.at(-1)).toEqual({ id: 987654, error: { code: 'unknown_id', message: expect.stringMatching(/^The id 987654 is not valid/) } });
      body.results.slice(0, -1).forEach((r: any, i: number) => {
        expect(r.id).toBe(steps[i].id);
        if (r.done) { expect(r.reward).toBe(1); won.set(r.id, k); }
      });
    }
    expect(won.size).toBe(4);
    // Results carry info only when asked.
    await post(base, `/v1/envs/${ids[1]}/reset`, { task: games[1] });
    const plain = (await post(base, '/v1/envs/step', { steps: [{ id: ids[1], action: 'look' }] })).body.results[0];
    expect(Object.keys(plain).sort()).toEqual(['done', 'id', 'observation', 'reward']);
    const full = (await post(base, '/v1/envs/step', { steps: [{ id: ids[1], action: 'look' }], info: true })).body.results[0];
    expect(full.info.available_actions).toContain('look');
    // A finished instance refuses further steps inline.
    expect((await post(base, '/v1/envs/step', { steps: [{ id: ids[0], action: 'look' }] })).body.results[0].error.code).toBe('finished');
  });

  it('refuses a malformed or oversized batch as a whole', async () => {
    expect(await post(base, '/v1/envs/step', { steps: 'x' })).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    const many = Array.from({ length: MAX_BATCH + 1 }, () => ({ id: 0, action: 'look' }));
    expect((await post(base, '/v1/envs/step', { steps: many })).status).toBe(413);
  });
});
