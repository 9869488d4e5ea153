import { describe, expect, it } from 'vitest';
import { envLabel, progressRewards } from '../src/rewards/env-progress.js';
import { makeRule, trajectoryWeights } from '../src/rewards/returns.js';
import { chatEpisode, sotopiaEpisode } from './helpers/strategist-episodes.js';

describe('environment-grounded process rewards', () => {
  it('ALFWorld sub-goal progress [0, .25, .25, .5, 1] → p = [0, .25, 0, .25, .5], critical turns 1, 3, 4', () => {
    const e = chatEpisode({ turns: 5, progress: [0, 0.25, 0.25, 0.5, 1] });
    expect(progressRewards(e)).toEqual({ rewards: [0, 0.25, 0, 0.25, 0.5], critical: [1, 3, 4], progress: [0, 0.25, 0.25, 0.5, 1] });
    expect(envLabel(e)).toMatchObject({ labeler: 'env', rewards: [0, 0.25, 0, 0.25, 0.5], critical: [1, 3, 4] });
  });

  it('a strategist turn owns the steps up to the next strategist turn; missing progress is carried forward', () => {
    const e = chatEpisode({ turns: 5, strategistAt: [0, 3], progress: [undefined, 0.5, undefined, 0.5, 1] });
    expect(progressRewards(e).rewards).toEqual([0.5, 0.5]);
  });

  it('only new highs count (WebShop progress drops when a worse product is viewed)', () => {
    const e = chatEpisode({ env: 'webshop', turns: 3, progress: [0.4, 0.3, 0.9], outcome: 0.9 });
    const r = progressRewards(e).rewards;
    expect(r[0]).toBeCloseTo(0.4, 12);
    expect(r[1]).toBe(0);
    expect(r[2]).toBeCloseTo(0.5, 12);
  });

  it('with the reference rule, progress turns count as critical (reward 1); the outcome goes on a last turn without progress', () => {
    const e = chatEpisode({ turns: 3, progress: [0, 0.5, 0.5], outcome: 0 });
    const l = envLabel(e);
    const w = trajectoryWeights(makeRule('reference'), { process: l.rewards, critical: l.critical!, outcome: 0 });
    expect(w.rewards).toEqual([0, 1, 0]);
  });

  it('errors name the episode: no recorded progress, or SOTOPIA', () => {
    expect(() => progressRewards(chatEpisode({ taskId: 'x' }))).toThrow(/no step records info.progress.*episode x#0/);
    expect(() => progressRewards(sotopiaEpisode([1, 2]))).toThrow(/SOTOPIA records no environment progress/);
  });
});
