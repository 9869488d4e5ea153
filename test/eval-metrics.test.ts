import { describe, expect, it } from 'vitest';
import type { Turn } from '../src/core/episode.js';
import { alfworldOutcome, alfworldType } from '../src/eval/alfworld.js';
import { formatTable, summarise, summaryJson, type Protocol } from '../src/eval/report.js';
import { webshopMetrics, webshopOutcome } from '../src/eval/webshop.js';
import { makeEpisode } from './helpers/episodes.js';

const turn = (over: Partial<Turn>): Turn => ({ index: 0, action: 'a', observation: 'o', reward: 0, done: false, ...over });

describe('outcomes', () => {
  it('ALFWorld: won is reward 1 and success; anything else 0', () => {
    expect(alfworldOutcome([turn({ done: true, reward: 1, info: { won: true } })], 'done')).toEqual({ reward: 1, success: true, reason: 'done' });
    expect(alfworldOutcome([turn({ info: { won: false } })], 'max_steps')).toEqual({ reward: 0, success: false, reason: 'max_steps' });
    expect(alfworldOutcome([], 'timeout')).toEqual({ reward: 0, success: false, reason: 'timeout' });
  });
  it('WebShop: reward only on purchase; success only at reward exactly 1', () => {
    expect(webshopOutcome([turn({ done: true, reward: 0.75 })], 'done')).toEqual({ reward: 0.75, success: false, reason: 'done', bought: true });
    expect(webshopOutcome([turn({ done: true, reward: 1 })], 'done')).toMatchObject({ reward: 1, success: true });
    expect(webshopOutcome([turn({ reward: 0.3 })], 'max_steps')).toEqual({ reward: 0, success: false, reason: 'max_steps', bought: false });
  });
  it('reads the ALFWorld type from the task or the game path', () => {
    expect(alfworldType(makeEpisode(1, { task: { type: 'pick_two_obj_and_place' } }))).toBe('pick_two_obj_and_place');
    expect(alfworldType(makeEpisode(1, { task: { gamefile: '/d/valid_seen/pick_heat_then_place_in_recep-Egg-None-Fridge-1/trial_x/game.tw-pddl' } }))).toBe('pick_heat_then_place_in_recep');
  });
});

describe('WebShop metrics and report', () => {
  const rewards = [1, 0.5, 0, 1];
  const es = rewards.map((r, i) => makeEpisode(i, { env: 'webshop', outcome: { reward: r, success: r === 1, reason: 'done', bought: r > 0 } }));
  it('averages rewards with a t interval and counts success at reward 1', () => {
    const m = webshopMetrics(es);
    expect(m.reward.mean).toBeCloseTo(0.625);
    // sd = 0.4787, t(3) = 3.182, half = 3.182 × 0.4787 / 2 = 0.7617
    expect(m.reward.lo).toBeCloseTo(0.625 - 0.7617, 3);
    expect(m.success).toMatchObject({ n: 4, mean: 0.5 });
    expect(m.bought.mean).toBe(0.75);
    expect(m.tokensPerEpisode).toEqual({ prompt: 33 + 60, completion: 33, total: 126 });
  });
  it('prints the score ×100 and writes NaN-free JSON with the protocol', () => {
    const p: Protocol = { env: 'webshop', split: 'test', taskCount: 4, trials: 1, mode: 'epo', models: { strategist: { spec: 's', temperature: 0.7 }, actor: { spec: 'a' } },
      seed: 3, maxSteps: 10, showAdmissible: false, example: 'train/1', codeVersion: 'v', dataVersion: 'd' };
    const s = summarise('r1', p, es.slice(0, 1));
    const table = formatTable(s);
    expect(table).toContain('score (avg reward ×100)  100.0');
    expect(table).toMatch(/success \(reward = 1\) % +100\.0 \[20\.7, 100\.0\] +1\/1/);
    const json = JSON.parse(summaryJson(s));
    expect(json.metrics.reward).toEqual({ n: 1, mean: 1, lo: null, hi: null });
    expect(json.protocol.models.strategist.temperature).toBe(0.7);
  });
});
