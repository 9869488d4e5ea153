/** Sub-runs named by path in every command that names a run, and `runs report` on a self-play parent run. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wilson } from '../src/eval/stats.js';
import type { SelfPlayState } from '../src/selfplay/selfplay.js';
import { RunStore } from '../src/store/run-store.js';
import { epo, makeRun } from './helpers/store-cli.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-paths-'));

/** A self-play run as the loop leaves it after one iteration: its state in the parent store, stages as sub-runs. */
function selfPlayRun(name: string): void {
  const state: SelfPlayState = {
    fingerprint: 'f', codeVersion: 'test', iterations: [
      { iteration: 0, strategist: 'local:start', done: { eval: true }, eval: { episodes: 3, successes: 1, rate: wilson(1, 3), meanReward: 0.3 }, seconds: { eval: 2 } },
      {
        iteration: 1, strategist: `local:runs/${name}/it1-checkpoint`, done: { rollouts: true, labels: true, dataset: true, train: true, eval: true },
        rollouts: { episodes: 3, success: 2 / 3, meanReward: 0.6 }, labels: { labelled: 3, failed: 0 },
        dataset: { examples: 3, path: `runs/${name}/it1-dataset`, weights: { min: 0, max: 1, mean: 0.5 } },
        train: { checkpoint: `runs/${name}/it1-checkpoint`, steps: 4, finalLoss: 0.25, tokensPerSecond: 100 },
        eval: { episodes: 3, successes: 3, rate: wilson(3, 3), meanReward: 1 }, seconds: { rollouts: 1, train: 5, eval: 2 },
      },
    ],
  };
  const s = RunStore.open(join(runs, name, 'epo.sqlite'));
  s.setMeta('selfplay', state);
  s.close();
  for (const sub of ['it0-eval', 'it1-rollouts', 'it1-eval']) makeRun(runs, `${name}/${sub}`, 'epo', 3);
  mkdirSync(join(runs, name, 'it1-dataset'), { recursive: true });
}

describe('runs named by path', () => {
  beforeAll(() => { process.env.EPO_RUNS_DIR = runs; selfPlayRun('sp'); });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; rmSync(runs, { recursive: true, force: true }); });

  it('reports, lists and exports a stage of a self-play run named sp/it1-eval', async () => {
    const rep = await epo(['runs', 'report', '--run', 'sp/it1-eval']);
    expect(rep.err).toBe('');
    expect(rep.code).toBe(0);
    expect(rep.out).toContain('3 of 3 episodes');
    const list = await epo(['episodes', 'list', '--run', 'sp/it0-eval']);
    expect(list.out.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['task-0#0', 'task-1#0', 'task-2#0']);
    const check = await epo(['runs', 'check', '--run', 'sp/it1-rollouts']);
    expect(check.code).toBe(0);
  });

  it('on the self-play run itself says what it holds: iterations, their figures and sub-runs', async () => {
    const rep = await epo(['runs', 'report', '--run', 'sp']);
    expect(rep.err).toBe('');
    expect(rep.code).toBe(0);
    expect(rep.out).not.toContain('no evaluation protocol');
    expect(rep.out).toContain('self-play run sp: 2 iterations (0-1)');
    expect(rep.out).toMatch(/iteration 0 [^\n]*\n {2}held-out 33\.3% \(1\/3\)/);
    expect(rep.out).toMatch(/iteration 1 [^\n]*\n {2}rollouts 3 episodes[^\n]*train 4 steps[^\n]*held-out 100\.0% \(3\/3\)/);
    expect(rep.out).toContain('sp/it1-eval');
    expect(rep.out).toContain('sp/it1-rollouts');
    expect(rep.out).toContain('epo runs report --run sp/it1-eval');
  });
});
