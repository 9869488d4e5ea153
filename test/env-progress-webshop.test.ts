/**
 * Environment-grounded process rewards on the real WebShop engine (1k-product catalogue): progress goes down when a
 * worse product is viewed; only new highs become process rewards.
 */
import { describe, expect, it } from 'vitest';
import type { Episode, Turn } from '../src/core/episode.js';
import { taskFromGoal, WebShopEnv } from '../src/envs/webshop/index.js';
import { progressRewards } from '../src/rewards/env-progress.js';
import { makeRule, trajectoryWeights } from '../src/rewards/returns.js';
import { testWorld, webshopRoot } from './webshop/world.js';

const ACTIONS = ["search[palmer's mens body/face lotion 8.5 ounce]", 'click[b087y28xlm]', 'click[< prev]', 'click[b01ia9by1g]', 'click[< prev]',
  'click[b087y28xlm]', 'click[butter]', 'click[10.6 fl oz (pack of 1)]', 'click[buy now]'];

describe.skipIf(!webshopRoot)('env-grounded labels on a real WebShop episode', () => {
  it('progress [0, 2/3, 2/3, 1/6, 2/3, 2/3, 5/6, 1, 1] gives p = [0, 2/3, 0, 0, 0, 0, 1/6, 1/6, 0]', async () => {
    const w = await testWorld();
    const env = new WebShopEnv(w, {});
    const first = env.reset(taskFromGoal(w, 2141, 'synthetic'));
    const turns: Turn[] = ACTIONS.map((action, k) => {
      const r = env.step(action);
      return { index: k, strategist: { input: [{ role: 'user', content: `step ${k}` }], output: `Strategy ${k}` }, action, observation: r.observation, reward: r.reward, done: r.done, info: r.info };
    });
    const e: Episode = {
      id: 'ws#0', run: 'w', env: 'webshop', taskId: 'ws', trial: 0, seed: 0, models: {}, codeVersion: 'test', task: {}, initialObservation: first,
      turns, outcome: { reward: turns.at(-1)!.reward, success: true, reason: 'done' }, startedAt: '', finishedAt: '',
    };
    expect(turns.map((t) => Number((t.info!.progress as number).toFixed(4)))).toEqual([0, 0.6667, 0.6667, 0.1667, 0.6667, 0.6667, 0.8333, 1, 1]);
    const { rewards, critical } = progressRewards(e);
    expect(rewards.map((x) => Number(x.toFixed(4)))).toEqual([0, 0.6667, 0, 0, 0, 0, 0.1667, 0.1667, 0]);
    expect(critical).toEqual([1, 6, 7]);
    expect(rewards.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12); // the new highs add up to the final progress
    // discounted (γ 1, λ 1): the buy turn carries the outcome R = 1
    const w1 = trajectoryWeights(makeRule('discounted', { gamma: 1 }), { process: rewards, critical, outcome: e.outcome.reward });
    expect(w1.weights.map((x) => Number(x.toFixed(4)))).toEqual([2, 2, 1.3333, 1.3333, 1.3333, 1.3333, 1.3333, 1.1667, 1]);
  });
});
