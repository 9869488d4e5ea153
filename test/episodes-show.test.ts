/** One transcript command for every environment: strategies, actor replies, actions, observations, labels, weights. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../src/store/run-store.js';
import { epo, makeRun } from './helpers/store-cli.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-show-'));

describe('episodes show', () => {
  beforeAll(() => {
    process.env.EPO_RUNS_DIR = runs;
    makeRun(runs, 'alf', 'epo', 1);
    const s = RunStore.open(join(runs, 'alf', 'epo.sqlite'));
    s.putLabel('task-0#0', { labeler: 'env', rewards: [0, 0.5, 1], critical: [1] });
    s.close();
  });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; rmSync(runs, { recursive: true, force: true }); });

  it('`sotopia transcript` on an ALFWorld episode shows the strategies, actions and observations', async () => {
    const r = await epo(['sotopia', 'transcript', '--run', 'alf', '--id', 'task-0#0']);
    expect(r.err).toBe('');
    for (const t of [0, 1, 2]) {
      expect(r.out).toContain(`strategy     Thought: go to place ${t}`);
      expect(r.out).toContain(`action       go to cabinet ${t + 1}`);
      expect(r.out).toContain(`observation  You arrive at cabinet ${t + 1}. The cabinet ${t + 1} is closed.`);
    }
  });

  it('`episodes show` gives the turns in order with the labels and weights of every labeler', async () => {
    const r = await epo(['episodes', 'show', '--run', 'alf', '--id', 'task-0#0']);
    expect(r.err).toBe('');
    const out = r.out;
    expect(out.split('\n')[0]).toBe('episode task-0#0  alfworld  task task-0  ended: done  reward 1  success  3 turns');
    expect(out).toContain('You are in the middle of a room.');
    const turn1 = out.slice(out.indexOf('── turn 1'), out.indexOf('── turn 2'));
    expect(turn1).toContain('strategy     Thought: go to place 1');
    expect(turn1).toContain('actor        Action: go to cabinet 2');
    expect(turn1).toContain('action       go to cabinet 2');
    expect(turn1).toContain('reward       0');
    // reference rule over env's label: r = [0, 1, 1] → weights [0.99, 1, 0.5025]
    expect(turn1).toContain('label env    0.5 (critical) · weight 1.000 (reference)');
    expect(out.slice(out.indexOf('── turn 0'), out.indexOf('── turn 1'))).toContain('label env    0 · weight 0.990 (reference)');
  });

  it('names a missing episode and the run', async () => {
    const r = await epo(['episodes', 'show', '--run', 'alf', '--id', 'nope#0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no episode "nope#0" in run alf');
  });
});

describe('formatEpisode on SOTOPIA', () => {
  it('keeps the two-seat transcript and adds each labeler\'s rewards and weights per strategist turn', async () => {
    const { formatEpisode } = await import('../src/eval/transcript.js');
    const { makeEpisode } = await import('./helpers/episodes.js');
    const e = makeEpisode(0, { env: 'sotopia', task: { codename: 'gift', relationship: 'friends' } });
    e.turns.forEach((t, k) => { t.seat = k % 2; t.info = { strategy: `plan ${k}` }; });
    const out = formatEpisode(e, [{ label: { labeler: 'judge:x', rewards: [1, 0, 0.5], critical: [0] }, weights: { rule: 'reference', seats: [{ seat: 0, turnIndexes: [0, 2], rewards: [1, 0], returns: [1, 0], weights: [1, 0] }] } }]);
    expect(out).toContain('episode task-0#0  scenario gift (friends)');
    expect(out).toContain('‖ strategy: plan 1');
    expect(out).toContain('labels (per strategist turn):\n  judge:x: turn 0 (seat 0) 1* w 1.000, turn 1 (seat 1) 0, turn 2 (seat 0) 0.5 w 0.000');
  });
});
