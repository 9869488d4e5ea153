/** The `epo eval` command path over real HTTP (`epo serve` + the OpenAI-compatible backend), on a small fake suite. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alfworldPrompts } from '../src/agents/prompts/alfworld.js';
import { registerSuite, unregisterSuite } from '../src/eval/registry.js';
import { alfworldOutcome } from '../src/eval/alfworld.js';
import type { Suite } from '../src/eval/suite.js';
import { startServer } from '../src/serve/openai-server.js';
import { RunStore } from '../src/store/run-store.js';
import { FakeEnv, fakeTask, type FakeTask } from './helpers/fake-env.js';
import { runCli } from './helpers/eval-cli.js';
import { walkthroughModel } from './helpers/walkthrough-model.js';

const tasks = [0, 1, 2, 3, 4].map((i) => fakeTask(i));
const suite: Suite<FakeTask> = {
  env: 'alfworld', split: 'fake', dataVersion: 'fake-1', tasks, prompts: alfworldPrompts, maxSteps: 8,
  makeEnv: () => new FakeEnv(), exampleName: 'none', outcome: alfworldOutcome, taskRecord: (t) => ({ id: t.id, type: t.type }),
};

describe('epo eval (command path, fake environment, real HTTP)', () => {
  const runs = mkdtempSync(join(tmpdir(), 'epo-eval-cli-'));
  const plans = new Map(tasks.map((t) => [new FakeEnv().reset(t), t.walkthrough]));
  const w = walkthroughModel(plans);
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    process.env.EPO_RUNS_DIR = runs;
    registerSuite('fake', { describe: 'test suite', defaults: { split: 'fake', trainSplit: 'fake', evalSplit: 'fake' }, build: async (o) => ({ ...suite, tasks: o.limit ? tasks.slice(0, o.limit) : tasks }) });
    server = await startServer({ model: w.model, name: 'walkthrough', port: 0 });
  });
  afterAll(async () => {
    unregisterSuite('fake');
    delete process.env.EPO_RUNS_DIR;
    await server.close();
    rmSync(runs, { recursive: true, force: true });
  });

  it('evaluates, stores the run with its protocol and writes the summary', async () => {
    const spec = `${server.url}/v1#walkthrough`;
    const out = join(runs, 's.json');
    await runCli(['eval', '--env', 'fake', '--strategist', spec, '--actor', spec, '--limit', '4', '--concurrency', '3', '--temperature', '0.3', '--run', 'cli', '--summary', out, '--quiet']);
    const s = JSON.parse(readFileSync(out, 'utf8'));
    expect(s.metrics.success).toMatchObject({ n: 4, mean: 1 });
    expect(s.protocol.models).toEqual({ strategist: { spec, temperature: 0.3, maxTokens: 256 }, actor: { spec, temperature: 0.3, maxTokens: 256 } });
    expect(readFileSync(join(runs, 'cli', 'summary.json'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    const st = RunStore.open(join(runs, 'cli', 'epo.sqlite'));
    const e = st.getEpisode('pick_and_place_simple-0#0')!;
    st.close();
    expect(e.turns[0].strategist!.usage!.promptTokens).toBeGreaterThan(100);
    expect(e.models.strategist).toEqual({ spec, temperature: 0.3, maxTokens: 256 });
    expect(server.requests()).toBe(4 * 3 * 2);
  });

  it('runs shards and merges them with `epo runs merge`', async () => {
    const spec = `${server.url}/v1#walkthrough`;
    for (const sh of ['0/2', '1/2']) await runCli(['eval', '--env', 'fake', '--strategist', spec, '--actor', spec, '--shard', sh, '--run', `part${sh[0]}`, '--quiet']);
    const parts = [0, 1].map((i) => JSON.parse(readFileSync(join(runs, `part${i}`, 'summary.json'), 'utf8')));
    expect(parts.map((p) => p.episodes)).toEqual([3, 2]);
    expect(parts[0].protocol.shard).toBe('0/2');
    const out = join(runs, 'merged.json');
    await runCli(['runs', 'merge', '--into', 'whole', '--from', 'part0,part1', '--summary', out]);
    const s = JSON.parse(readFileSync(out, 'utf8'));
    expect(s.episodes).toBe(5);
    expect(s.metrics.success).toMatchObject({ n: 5, mean: 1 });
    expect(s.protocol.mergedFrom).toEqual(['part0', 'part1']);
    await expect(runCli(['runs', 'merge', '--into', 'bad', '--from', 'part0,cli'])).rejects.toThrow(/run "cli" was made with another protocol than run "part0"/);
    expect(existsSync(join(runs, 'bad'))).toBe(false);
  });

  it('rejects bad flags with a clear error', async () => {
    await expect(runCli(['eval', '--env', 'fake', '--actor', 'scripted:echo', '--run', 'x'])).rejects.toThrow(/mode epo needs --strategist and --actor/);
    await expect(runCli(['eval', '--env', 'fake', '--mode', 'solo', '--actor', 'scripted:echo'])).rejects.toThrow(/--mode must be one of epo, actor-only, single, got "solo"/);
    await expect(runCli(['eval', '--env', 'fake', '--mode', 'actor-only', '--actor', 'scripted:echo', '--concurrency', '0'])).rejects.toThrow(/--concurrency must be a whole number from 1 to 4096/);
    await expect(runCli(['eval', '--env', 'fake', '--mode', 'actor-only', '--actor', 'nonsense'])).rejects.toThrow(/invalid model spec "nonsense"/);
  });
});
