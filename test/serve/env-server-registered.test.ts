/** A registered environment (the example module examples/hanoi) served in the ALFWorld style, played to a win. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expertMove, moveText, parsePosition } from '../../examples/hanoi/towers.js';
import { loadServedEnv } from '../../src/serve/env/load.js';
import { startEnvServer, type RunningEnvServer } from '../../src/serve/env/server.js';
import { get, post } from './env-client.js';

describe('a registered environment over the AgentGym-style protocol', () => {
  let server: RunningEnvServer;
  let base: string;
  beforeAll(async () => {
    server = await startEnvServer({ served: await loadServedEnv('examples/hanoi/index.ts', { split: 'test' }) });
    base = server.url;
  });
  afterAll(() => server?.close());

  it('create → reset → observation → available actions → expert moves to reward 1 and done', async () => {
    expect((await get(base, '/')).body).toBe('This is environment hanoi.');
    const { id } = (await post(base, '/create')).body;
    const reset = (await post(base, '/reset', { id, game: 0 })).body;
    expect(reset).toMatchObject({ id, observation: expect.stringMatching(/^Move every disk onto peg C/), task_id: expect.any(String) });
    expect((await get(base, `/available_actions?id=${id}`)).body).toEqual(reset.available_actions);
    let obs = reset.observation as string, last: any;
    for (let k = 0; k < 40; k++) {
      const move = expertMove(parsePosition(obs)!)!;
      last = (await post(base, '/step', { id, action: moveText(move) })).body;
      obs = last.observation;
      if (last.done) break;
    }
    expect(last).toMatchObject({ reward: 1, done: true, available_actions: [] });
    expect((await post(base, '/step', { id, action: 'move A to C' })).body).toEqual({ error: `The task with environment ${id} has finished.` });
    expect((await post(base, '/reset', { id, game: 100000 })).body.error).toMatch(/game 100000 is out of range: the hanoi games are 0 to \d+ \(split test\)/);
  });
});
