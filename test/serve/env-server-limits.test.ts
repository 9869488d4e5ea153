/** The environment server's bounds over real HTTP: instance limit (429), idle eviction, body limit, token, binding. */
import { afterEach, describe, expect, it } from 'vitest';
import { selectTasks } from '../../src/envs/sotopia/task-spec.js';
import { InstancePool } from '../../src/serve/env/pool.js';
import { startEnvServer, type EnvServerOptions, type RunningEnvServer } from '../../src/serve/env/server.js';
import { servedSotopia, type SotopiaInstance } from '../../src/serve/env/sotopia.js';
import { get, post, call } from './env-client.js';

const served = servedSotopia(selectTasks('builtin', 'test'));
let server: RunningEnvServer | undefined;
const start = async (o: Partial<EnvServerOptions<SotopiaInstance>> = {}) => (server = await startEnvServer({ served, ...o })).url;
afterEach(async () => { await server?.close(); server = undefined; });

describe('instance pool', () => {
  it('hands out ids in order, refuses past the bound, and evicts instances idle past the timeout', () => {
    let t = 0;
    const pool = new InstancePool<string>({ maxInstances: 2, idleMs: 100, now: () => t });
    expect([pool.add(() => 'a'), pool.add(() => 'b'), pool.add(() => 'c')]).toEqual([0, 1, undefined]);
    t = 60;
    expect(pool.get(0)).toEqual({ ok: true, value: 'a' }); // use refreshes 0
    t = 150;
    expect(pool.get(1)).toEqual({ ok: false, why: 'evicted' });
    expect(pool.add(() => 'c')).toBe(2);
    expect(pool.get(0).ok).toBe(true);
    t = 400;
    expect(pool.sweep()).toBe(2);
    expect(pool.size).toBe(0);
    expect(pool.get(9)).toEqual({ ok: false, why: 'unknown' });
  });
});

describe('environment server bounds', () => {
  it('answers 429 with a clear message past --max-instances, and accepts again after a close', async () => {
    const base = await start({ maxInstances: 2 });
    const a = (await post(base, '/create')).body.id;
    await post(base, '/create');
    const full = await post(base, '/create');
    expect(full.status).toBe(429);
    expect(full.body.error).toMatch(/the server holds its limit of 2 instances; close some .* or start the server with a higher --max-instances/);
    expect((await post(base, '/v1/envs')).status).toBe(429);
    await post(base, '/close', { id: a });
    expect((await post(base, '/create')).status).toBe(200);
  });

  it('evicts an instance idle past --idle-timeout and says so when it is used again', async () => {
    let t = 1_000_000;
    const base = await start({ idleTimeoutS: 30, now: () => t });
    const { id } = (await post(base, '/create')).body;
    await post(base, '/reset', { id, game: 0 });
    t += 29_000;
    expect((await get(base, `/detail?id=${id}`)).body.game).toBe(0);
    t += 31_000;
    expect((await get(base, `/detail?id=${id}`)).body.error).toBe(`The id ${id} was evicted after sitting idle past the server's idle timeout; create a new instance (POST /create)`);
    expect(server!.instances()).toBe(0);
  });

  it('refuses bodies over the limit with 413 and keeps serving', async () => {
    const base = await start({ maxBodyBytes: 100 });
    const big = await post(base, '/reset', { id: 0, game: 0, pad: 'x'.repeat(500) });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/over the limit of 100 bytes/);
    expect((await get(base, '/')).status).toBe(200);
  });

  it('requires the bearer token on every route but GET / when one is set', async () => {
    const base = await start({ token: 's3cret-token' });
    expect((await get(base, '/')).status).toBe(200);
    const denied = await post(base, '/create');
    expect(denied).toEqual({ status: 401, body: { detail: 'missing or wrong bearer token (send "Authorization: Bearer <token>")' } });
    expect((await post(base, '/create', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(base, '/v1/envs', {}, { authorization: 'Bearer s3cret-token' })).status).toBe(200);
    expect(JSON.stringify(denied.body)).not.toContain('s3cret');
  });

  it('binds 127.0.0.1 by default', async () => {
    expect(await start()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('native routes: create with a task, step a seat, bad ids and bad JSON in the native error shape', async () => {
    const base = await start();
    const made = await post(base, '/v1/envs', { task: 0 });
    expect(made.body).toMatchObject({ id: expect.any(Number), turn: 0 });
    const id = made.body.id;
    const step = await post(base, `/v1/envs/${id}/step`, { action: { seat: 0, action_type: 'speak', argument: 'Hi' } });
    expect(step.body).toMatchObject({ reward: 0, done: false, info: { turn: 1 } });
    expect(step.body.observation).toHaveLength(2);
    expect(await post(base, '/v1/envs/999/step', { action: 'x' })).toEqual({ status: 404, body: { error: { code: 'unknown_id', message: 'The id 999 is not valid; create an instance first (POST /v1/envs)' } } });
    expect(await post(base, `/v1/envs/${id}/step`, '{oops')).toMatchObject({ status: 422, body: { error: { code: 'json_invalid' } } });
    expect(await call(base, 'DELETE', `/v1/envs/${id}`)).toEqual({ status: 200, body: { id, closed: true } });
    expect((await post(base, `/v1/envs/${id}/reset`, { task: 0 })).body.error.code).toBe('closed');
    expect((await get(base, '/v1/envs')).body).toEqual({ env: 'sotopia', instances: 0, max_instances: 1024, games: served.games });
  });
});
