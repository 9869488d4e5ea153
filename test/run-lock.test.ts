/**
 * One writer per run: a second writer on the same run is refused with the holder named (pid, command, since), and
 * a holder killed with SIGKILL leaves no lock behind. Readers do not need the lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alfworldPrompts } from '../src/agents/prompts/alfworld.js';
import { alfworldOutcome } from '../src/eval/alfworld.js';
import { evaluate } from '../src/eval/evaluate.js';
import type { Suite } from '../src/eval/suite.js';
import { scriptedModel } from '../src/llm/scripted.js';
import { mergeRuns } from '../src/store/merge.js';
import { runDir } from '../src/store/run-dir.js';
import { lockRun } from '../src/store/run-lock.js';
import { FakeEnv, fakeTask, type FakeTask } from './helpers/fake-env.js';
import { epo, evalEpisode, makeRun, writeJsonl } from './helpers/store-cli.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-lock-'));

/** A child process holding the lock of `run` until killed; resolves once it holds it. */
async function holder(run: string): Promise<ChildProcess> {
  const script = join(runs, 'hold.ts');
  writeFileSync(script, `
    import { lockRun } from '${process.cwd()}/src/store/run-lock.ts';
    import { runDir } from '${process.cwd()}/src/store/run-dir.ts';
    lockRun(runDir(process.argv[2], process.argv[3]));
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `);
  const child = spawn(process.execPath, ['--import', 'tsx', script, run, runs, 'eval', 'alfworld'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); });
    child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}
const kill9 = async (child: ChildProcess) => { child.kill('SIGKILL'); await new Promise((r) => child.on('exit', r)); };

describe('run lock', () => {
  beforeAll(() => { process.env.EPO_RUNS_DIR = runs; });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; rmSync(runs, { recursive: true, force: true }); });

  it('refuses a second writer naming the holder; a holder killed with SIGKILL leaves the run free', async () => {
    makeRun(runs, 'busy', 'actor-only', 2);
    const child = await holder('busy');
    const r = runDir('busy', runs);
    try {
      expect(() => lockRun(r)).toThrow(new RegExp(`run "busy" is in use by pid ${child.pid} on ${hostname()} \\(.*hold\\.ts busy .* eval alfworld\\) since \\d{4}-`));
      const file = writeJsonl(join(runs, 'more.jsonl'), [evalEpisode(5, 'actor-only')]);
      const imp = await epo(['episodes', 'import', '--run', 'busy', '--in', file]);
      expect(imp.code).toBe(2);
      expect(imp.err).toContain(`in use by pid ${child.pid}`);
      for (const writer of [['label', '--run', 'busy', '--judge', 'env'],
        ['eval', 'sotopia', '--tasks', 'builtin', '--model', 'scripted:sotopia', '--evaluator', 'scripted:sotopia', '--run', 'busy']]) {
        const w = await epo(writer);
        expect(w.code).toBe(2);
        expect(w.err).toContain(`in use by pid ${child.pid}`);
      }
      // readers go on while the run is written
      expect((await epo(['episodes', 'list', '--run', 'busy'])).out.trim().split('\n')).toHaveLength(2);
      expect((await epo(['runs', 'report', '--run', 'busy'])).code).toBe(0);
      expect((await epo(['runs', 'check', '--run', 'busy'])).code).toBe(0);
    } finally {
      await kill9(child);
    }
    const lock = lockRun(r);
    expect(() => lockRun(r)).toThrow(`in use by pid ${process.pid}`);
    lock.release();
    lockRun(r).release();
  });

  it('a second `epo eval` on a busy run is refused before any episode runs', async () => {
    const child = await holder('evalrun');
    let calls = 0;
    const model = scriptedModel(() => { calls++; return 'Action: look'; });
    const tasks = [0, 1].map((i) => fakeTask(i));
    const suite: Suite<FakeTask> = {
      env: 'alfworld', split: 'fake', dataVersion: 'fake-1', tasks, prompts: alfworldPrompts, maxSteps: 2,
      makeEnv: () => new FakeEnv(), exampleName: 'none', outcome: alfworldOutcome, taskRecord: (t) => ({ id: t.id }),
    };
    try {
      await expect(evaluate({ suite, run: 'evalrun', runsRoot: runs, mode: 'actor-only', actor: { model, ref: { spec: 'scripted:a' } }, concurrency: 1 }))
        .rejects.toThrow(`in use by pid ${child.pid}`);
      expect(calls).toBe(0);
    } finally {
      await kill9(child);
    }
    const { stats } = await evaluate({ suite, run: 'evalrun', runsRoot: runs, mode: 'actor-only', actor: { model, ref: { spec: 'scripted:a' } }, concurrency: 1 });
    expect(stats.finished).toBe(2);
    // the lock was released at the end: the run can be taken again
    lockRun(runDir('evalrun', runs)).release();
  });

  it('`runs merge` takes the lock of the target run', async () => {
    makeRun(runs, 'm1', 'epo', 2);
    const child = await holder('merged');
    try {
      expect(() => mergeRuns('merged', ['m1'], runs)).toThrow(`in use by pid ${child.pid}`);
    } finally { await kill9(child); }
    expect(mergeRuns('merged', ['m1'], runs).episodes).toBe(2);
  });
});
