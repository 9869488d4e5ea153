/**
 * The end-to-end checks shared by the ALFWorld and WebShop suites, over real HTTP: `epo eval <env>` against
 * `epo serve` with a scripted backend that plays each task's walkthrough (100% success), one that answers garbage
 * (every episode ends cleanly at the step limit with every failure counted), and a run killed half-way (SIGKILL)
 * whose re-run finishes the rest without redoing finished episodes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { strategistChat, type Episode } from '../../src/core/episode.js';
import { startServer } from '../../src/serve/openai-server.js';
import { RunStore } from '../../src/store/run-store.js';
import { runCli, sleep, spawnCli } from './eval-cli.js';
import { walkthroughModel } from './walkthrough-model.js';

export interface E2EOptions {
  env: 'alfworld' | 'webshop';
  /** Flags selecting the tasks, e.g. --split valid_seen --limit 12 --data <dir>. */
  select: string[];
  /** Task id → walkthrough and first observation, for the selected tasks (in order). */
  plans(): Promise<{ id: string; first: string; actions: string[] }[]>;
  /** The step limit of the garbage run. */
  garbageSteps: number;
}

export function evalE2E(o: E2EOptions): void {
  const runs = mkdtempSync(join(tmpdir(), `epo-e2e-${o.env}-`));
  const servers: { close(): Promise<void> }[] = [];
  let plans: Awaited<ReturnType<E2EOptions['plans']>> = [];
  const byFirst = new Map<string, string[]>();
  const flags = () => [...o.select, '--quiet'];
  const serve = async (garbage = false, delayMs = 0) => {
    const w = walkthroughModel(byFirst, { garbage, delayMs });
    const s = await startServer({ model: w.model, name: 'walkthrough', port: 0 });
    servers.push(s);
    const spec = `${s.url}/v1#walkthrough`;
    return { ...w, server: s, models: ['--strategist', spec, '--actor', spec] };
  };
  const stored = (run: string): Episode[] => {
    const st = RunStore.open(join(runs, run, 'epo.sqlite'));
    try { return [...st.episodes()]; } finally { st.close(); }
  };
  const summary = (run: string) => JSON.parse(readFileSync(join(runs, `${run}.json`), 'utf8'));

  beforeAll(async () => {
    process.env.EPO_RUNS_DIR = runs;
    plans = await o.plans();
    for (const p of plans) byFirst.set(p.first, p.actions);
    expect(byFirst.size).toBe(plans.length); // first observations identify the tasks
  });
  afterAll(async () => {
    delete process.env.EPO_RUNS_DIR;
    for (const s of servers) await s.close();
    rmSync(runs, { recursive: true, force: true });
  });

  it('succeeds on every task when the strategist knows the walkthrough and the actor follows it', async () => {
    const w = await serve();
    await runCli(['eval', o.env, ...w.models, ...flags(), '--concurrency', '4', '--run', 'ok', '--summary', join(runs, 'ok.json')]);
    const s = summary('ok');
    expect(s.episodes).toBe(plans.length);
    expect(s.metrics.success).toMatchObject({ n: plans.length, mean: 1 });
    expect(s.metrics.parseFailures).toEqual({ thought: 0, action: 0, perEpisode: 0 });
    expect(s.protocol).toMatchObject({ env: o.env, taskCount: plans.length, mode: 'epo', trials: 1 });
    const es = stored('ok');
    expect(es.map((e) => e.taskId).sort()).toEqual(plans.map((p) => p.id).sort());
    let turns = 0;
    for (const e of es) {
      const plan = plans.find((p) => p.id === e.taskId)!;
      expect(e.turns.map((t) => t.action)).toEqual(plan.actions);
      expect(e.outcome).toMatchObject({ reward: 1, success: true, reason: 'done' });
      const chat = strategistChat(e);
      expect(chat[0].role).toBe('system');
      expect(chat[1].content).toBe(`Task:\n${plan.first}`);
      expect(chat.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(e.turns.map((t) => t.strategist!.output));
      turns += e.turns.length;
    }
    expect(w.server.requests()).toBe(2 * turns); // two calls per step, none after the end
  });

  it('ends every episode at the step limit on garbage answers, counting each failure', async () => {
    const w = await serve(true);
    const n = plans.length, k = o.garbageSteps;
    await runCli(['eval', o.env, ...w.models, ...flags(), '--max-steps', String(k), '--concurrency', '6', '--run', 'garbage', '--summary', join(runs, 'garbage.json')]);
    const s = summary('garbage');
    expect(s.metrics.success).toMatchObject({ n, mean: 0 });
    expect(s.metrics.reasons).toEqual({ max_steps: n });
    expect(s.metrics.parseFailures).toEqual({ thought: k * n, action: k * n, perEpisode: 2 * k });
    for (const e of stored('garbage')) {
      expect(e.turns).toHaveLength(k);
      expect(e.turns.every((t) => t.strategist!.parseError === 'empty answer' && t.actor!.parseError === 'no action found in the answer' && t.action === '')).toBe(true);
    }
  });

  /** Start the CLI on a slow server and wait until `n` episodes are stored. */
  const startAndWait = async (run: string, models: string[], n: number) => {
    const child = spawnCli(['eval', o.env, ...models, ...flags(), '--concurrency', '2', '--run', run], { EPO_RUNS_DIR: runs });
    const out = { err: '' };
    child.stderr!.on('data', (d) => { out.err += d; });
    const db = join(runs, run, 'epo.sqlite');
    for (let i = 0; ; i++) {
      await sleep(100);
      if (child.exitCode !== null) throw new Error(`the eval ended before it was stopped: ${out.err}`);
      if (i > 1200) throw new Error(`no episodes stored after 120 s: ${out.err}`);
      let k = 0;
      try { const st = RunStore.open(db); k = st.countEpisodes(); st.close(); } catch { /* not created yet */ }
      if (k >= n) break;
    }
    return { child, out };
  };

  it('stops cleanly on SIGINT, keeping finished episodes and saying how to resume', async () => {
    const slow = await serve(false, 40);
    const { child, out } = await startAndWait('interrupted', slow.models, 2);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(out.err).toMatch(/SIGINT: stopping; finished work is saved/);
    expect(out.err).toMatch(/error \[INTERRUPTED\]: stopped after \d+ of \d+ episodes; re-run to resume/);
    const es = stored('interrupted');
    expect(es.length).toBeGreaterThanOrEqual(2);
    expect(es.every((e) => e.outcome.success)).toBe(true); // no cut-short episode was stored
  });

  it('resumes a killed run without redoing finished episodes', async () => {
    const slow = await serve(false, 40);
    const { child } = await startAndWait('killed', slow.models, 3);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = stored('killed');
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(plans.length);

    const w = slow; // the same server (a run keeps its models), now without delay
    w.delay.ms = 0;
    w.seen.length = 0;
    await runCli(['eval', o.env, ...w.models, ...flags(), '--concurrency', '4', '--run', 'killed', '--summary', join(runs, 'killed.json')]);
    const after = stored('killed');
    expect(after).toHaveLength(plans.length);
    for (const e of before) expect(after.find((x) => x.id === e.id)!.finishedAt).toBe(e.finishedAt);
    const finished = new Set(before.map((e) => e.initialObservation));
    expect(w.seen.filter((f) => finished.has(f))).toEqual([]); // finished tasks were not played again
    expect(new Set(w.seen).size).toBe(plans.length - before.length);
    expect(summary('killed').metrics.success).toMatchObject({ n: plans.length, mean: 1 });
  });
}
