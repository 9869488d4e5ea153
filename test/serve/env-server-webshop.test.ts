/** `epo serve env --env webshop` over real HTTP: AgentGym's WebShop call sequence, to a full-reward purchase. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvServer, type RunningEnvServer } from '../../src/serve/env/server.js';
import { servedWebshop } from '../../src/serve/env/webshop.js';
import { testWorld, webshopRoot } from '../webshop/world.js';
import { get, post } from './env-client.js';

const I = 'Find me animal testing, paraben free body care for dry skin with scent: butter, and size: 10.6 fl oz (pack of 1), and price lower than 30.00 dollars';

describe.skipIf(!webshopRoot)('WebShop over AgentGym\'s protocol', () => {
  let server: RunningEnvServer;
  let base: string;
  beforeAll(async () => {
    server = await startEnvServer({ served: servedWebshop(await testWorld()) });
    base = server.url;
  });
  afterAll(() => server?.close());

  it('plays session 2141 create → reset → observation → available actions → expert actions → reward 1 and done', async () => {
    expect((await get(base, '/')).body).toBe('ok');
    const created = await post(base, '/create');
    expect(created.status).toBe(200);
    expect(typeof created.body).toBe('number');
    const env_idx = created.body as number;
    expect((await get(base, '/list_envs')).body).toContain(env_idx);

    const reset = await post(base, '/reset', { env_idx, session_id: 2141 });
    expect(reset).toEqual({ status: 200, body: [`WebShop [SEP] Instruction: [SEP] ${I} [SEP] Search`, null] });
    expect((await get(base, `/observation?env_idx=${env_idx}`)).body).toBe(reset.body[0]);
    expect((await get(base, `/available_actions?env_idx=${env_idx}`)).body).toEqual({ has_search_bar: true, clickables: ['search'] });
    expect((await get(base, `/instruction_text?env_idx=${env_idx}`)).body).toBe(`Instruction: ${I}`);
    expect((await get(base, `/state?env_idx=${env_idx}`)).body).toEqual({ url: '/2141', html: '', instruction_text: I });

    const search = await post(base, '/step', { env_idx, action: "search[palmer's mens body/face lotion 8.5 ounce]" });
    expect(search.body).toMatchObject({ reward: 0, done: false, info: null });
    expect(search.body.state).toMatch(/Page 1 \(Total results: 50\) \[SEP\] Next > \[SEP\] B087Y28XLM/);
    const actions = (await get(base, `/available_actions?env_idx=${env_idx}`)).body;
    expect(actions.has_search_bar).toBe(false);
    expect(actions.clickables.slice(0, 3)).toEqual(['back to search', 'next >', 'b087y28xlm']);

    for (const action of ['click[b087y28xlm]', 'click[butter]', 'click[10.6 fl oz (pack of 1)]']) {
      expect((await post(base, '/step', { env_idx, action })).body).toMatchObject({ reward: 0, done: false });
    }
    expect((await post(base, '/step', { env_idx, action: 'click[buy now]' })).body).toEqual({
      state: 'Thank you for shopping with us! [SEP] Your score (min 0.0, max 1.0) [SEP] 1.0', reward: 1, done: true, info: null,
    });
    expect(await post(base, '/close', { env_idx })).toEqual({ status: 200, body: { env_idx, closed: true } });
    expect(await get(base, `/observation?env_idx=${env_idx}`)).toEqual({ status: 404, body: { detail: expect.stringMatching(/^The id \d+ has been closed/) } });
  });

  it('steps right after create (a new instance starts on a goal) and treats an invalid action as a no-op', async () => {
    const env_idx = (await post(base, '/create')).body as number;
    const before = (await get(base, `/observation?env_idx=${env_idx}`)).body as string;
    expect(before).toMatch(/^WebShop \[SEP\] Instruction: \[SEP\] .+ \[SEP\] Search$/);
    expect((await post(base, '/step', { env_idx, action: 'click[nothing here]' })).body).toEqual({ state: before, reward: 0, done: false, info: null });
  });

  it('answers bad ids, bad sessions and bad JSON with FastAPI\'s shapes', async () => {
    expect(await post(base, '/step', { env_idx: 424242, action: 'search[x]' })).toEqual({ status: 404, body: { detail: expect.stringMatching(/^The id 424242 is not valid/) } });
    const env_idx = (await post(base, '/create')).body as number;
    expect(await post(base, '/reset', { env_idx, session_id: 10 ** 9 })).toMatchObject({ status: 404, body: { detail: expect.stringMatching(/session_id 1000000000 is out of range/) } });
    expect(await post(base, '/step', '[1,2')).toMatchObject({ status: 422, body: { detail: [{ type: 'json_invalid' }] } });
    expect(await post(base, '/step', { env_idx })).toMatchObject({ status: 422, body: { detail: [{ type: 'missing', loc: ['body', 'action'] }] } });
    expect(await get(base, '/available_actions')).toMatchObject({ status: 422, body: { detail: [{ loc: ['query', 'env_idx'] }] } });
  });
});
