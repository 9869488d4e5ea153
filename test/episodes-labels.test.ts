/** `epo episodes export` carries each episode's labels (and, with --rule, its training weights); import restores them. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../src/store/run-store.js';
import { epo, evalEpisode, makeRun } from './helpers/store-cli.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-labels-'));
const store = (run: string) => RunStore.open(join(runs, run, 'epo.sqlite'));
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('episodes export with labels', () => {
  beforeAll(() => {
    process.env.EPO_RUNS_DIR = runs;
    makeRun(runs, 'lab', 'epo', 2);
    const s = store('lab');
    s.putLabel('task-0#0', { labeler: 'env', rewards: [0, 0.5, 1], critical: [1] });
    s.putLabel('task-0#0', { labeler: 'judge:openai:gpt-4o', rewards: [1, 0, 0], critical: [0], reasoning: 'turn 0 found the cabinet' });
    s.close();
  });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; rmSync(runs, { recursive: true, force: true }); });

  it('writes every labeler\'s per-turn labels beside the episode; an unlabelled episode has none', async () => {
    const out = join(runs, 'lab.jsonl');
    const r = await epo(['episodes', 'export', '--run', 'lab', '--out', out]);
    expect(r.err).toBe('');
    const [a, b] = lines(out);
    expect(a.labels).toEqual([
      { labeler: 'env', rewards: [0, 0.5, 1], critical: [1] },
      { labeler: 'judge:openai:gpt-4o', rewards: [1, 0, 0], critical: [0], reasoning: 'turn 0 found the cabinet' },
    ]);
    expect(b.labels).toBeUndefined();
    const { labels: _l, ...episode } = a;
    expect(episode).toEqual(JSON.parse(JSON.stringify(evalEpisode(0, 'epo', 'lab'))));
  });

  it('with --rule, adds the training weights per strategist turn as `epo dataset build` computes them', async () => {
    const out = join(runs, 'lab-w.jsonl');
    const r = await epo(['episodes', 'export', '--run', 'lab', '--out', out, '--rule', 'reference', '--labeler', 'env']);
    expect(r.err).toBe('');
    const [a, b] = lines(out);
    // reference rule: r = [0, 1 (critical), 1 (outcome)], G with γ 0.99 = [1.9701, 1.99, 1], normalised by the largest
    expect(a.weights).toMatchObject({ rule: 'reference', labeler: 'env' });
    const w = (a.weights as { turns: { weights: number[]; rewards: number[] }[] }).turns[0];
    expect(w.rewards).toEqual([0, 1, 1]);
    expect(w.weights.map((x) => Number(x.toFixed(4)))).toEqual([0.99, 1, 0.5025]);
    expect(b.weights).toBeUndefined(); // not labelled by env
  });

  it('import restores the labels of the episodes it adds', async () => {
    const out = join(runs, 'lab.jsonl');
    const r = await epo(['episodes', 'import', '--run', 'copy', '--in', out]);
    expect(r.err).toBe('');
    const s = store('copy');
    try {
      expect(s.labelers()).toEqual([{ labeler: 'env', count: 1 }, { labeler: 'judge:openai:gpt-4o', count: 1 }]);
      expect(s.getLabel('task-0#0', 'env')).toEqual({ labeler: 'env', rewards: [0, 0.5, 1], critical: [1] });
      expect(s.getEpisode('task-0#0')).not.toHaveProperty('labels');
    } finally { s.close(); }
  });

  it('refuses --rule with a labeler the run does not have, naming the ones it has', async () => {
    const r = await epo(['episodes', 'export', '--run', 'lab', '--out', join(runs, 'x.jsonl'), '--rule', 'reference', '--labeler', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('env, judge:openai:gpt-4o');
  });
});
