/**
 * Environment-grounded process rewards on a real ALFWorld game: a strategist/actor episode played on the official
 * game file (the strategist's chat extended turn by turn, as the agent loops do), labelled from the engine's own
 * subgoal progress, then turned into a dataset with the reference and discounted rules.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Episode, Turn } from '../src/core/episode.js';
import type { ChatMessage } from '../src/core/messages.js';
import { AlfworldEnv } from '../src/envs/alfworld/index.js';
import { envLabel } from '../src/rewards/env-progress.js';
import { makeRule } from '../src/rewards/returns.js';
import { RunStore } from '../src/store/run-store.js';
import { buildDataset } from '../src/train/dataset.js';
import { findData } from './helpers/data.js';

const root = findData('alfworld', 'json_2.1.1');
const LAMP = 'valid_seen/look_at_obj_in_light-AlarmClock-None-DeskLamp-323/trial_T20190909_044715_250790/game.tw-pddl';

function play(actions: string[]): Episode {
  const env = new AlfworldEnv({ maxSteps: 50 });
  const first = env.reset(join(root!, LAMP));
  const chat: ChatMessage[] = [{ role: 'system', content: 'You are the strategist for a household robot.' }, { role: 'user', content: `Task:\n${first}` }];
  const turns: Turn[] = [];
  actions.forEach((action, k) => {
    const output = `Strategy: next, ${action}.`;
    const strategist = { input: [...chat], output };
    const r = env.step(action);
    turns.push({ index: k, strategist, action, observation: r.observation, reward: r.reward, done: r.done, info: r.info });
    chat.push({ role: 'assistant', content: output }, { role: 'user', content: `Actor's action: ${action}\nObservation: ${r.observation}` });
  });
  const won = turns.at(-1)!.info!.won === true;
  return {
    id: 'lamp#0', run: 'alf', env: 'alfworld', taskId: 'lamp', trial: 0, seed: 0, models: {}, codeVersion: 'test', task: {},
    initialObservation: first, turns, outcome: { reward: won ? 1 : 0, success: won, reason: won ? 'done' : 'max_steps' },
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
  };
}

describe.skipIf(!root)('env-grounded labels on a real ALFWorld game', () => {
  it('subgoals seen → lamp on → (noop) → taken give p = [1/3, 1/3, 0, 1/3] and the dataset weights follow', () => {
    const e = play(['go to desk 1', 'use desklamp 1', 'look', 'take alarmclock 2 from desk 1']);
    expect(e.outcome.reward).toBe(1);
    const label = envLabel(e);
    expect(label.rewards.map((x) => Number(x.toFixed(6)))).toEqual([0.333333, 0.333333, 0, 0.333333]);
    expect(label.critical).toEqual([0, 1, 3]);

    const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'epo-alf-')), 'epo.sqlite'));
    store.putEpisode(e);
    store.putLabel(e.id, label);
    const src = [{ name: 'alf', episodes: () => store.episodes(), getLabel: (id: string, l: string) => store.getLabel(id, l) }];
    // reference: critical turns 0, 1, 3 get 1 (the won last turn is critical, so 1 rather than R): r = [1, 1, 0, 1],
    // G = [2.9603, 1.9801, 0.99, 1] ÷ 2.9603
    const ref = buildDataset(src, { rule: makeRule('reference'), labeler: 'env' }).examples[0];
    expect(ref.rewards).toEqual([1, 1, 0, 1]);
    expect(ref.weights.map((w) => Number(w.toFixed(4)))).toEqual([1, 0.6689, 0.3344, 0.3378]);
    // discounted (γ 1): r = p + R on the last turn → G = [2, 5/3, 4/3, 4/3]
    const disc = buildDataset(src, { rule: makeRule('discounted', { gamma: 1 }), labeler: 'env' }).examples[0];
    expect(disc.weights.map((w) => Number(w.toFixed(4)))).toEqual([2, 1.6667, 1.3333, 1.3333]);
    expect(disc.messages[1].content).toBe('Strategy: next, go to desk 1.');
    store.close();
  });
});
