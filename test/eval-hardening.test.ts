/**
 * `epo eval` against real HTTP servers on a small fake suite, where things go wrong: a hung model server, secrets
 * written inline in a model spec, out-of-range flags, an output path that cannot be written, a run whose episodes
 * all failed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { alfworldPrompts } from '../src/agents/prompts/alfworld.js';
import { registerSuite, unregisterSuite } from '../src/eval/registry.js';
import { alfworldOutcome } from '../src/eval/alfworld.js';
import type { Suite } from '../src/eval/suite.js';
import { startServer, type RunningServer } from '../src/serve/openai-server.js';
import { RunStore } from '../src/store/run-store.js';
import { FakeEnv, fakeTask, type FakeTask } from './helpers/fake-env.js';
import { runCli } from './helpers/eval-cli.js';
import { captured, folderBytes } from './helpers/output.js';
import { walkthroughModel } from './helpers/walkthrough-model.js';

const tasks = [0, 1, 2].map((i) => fakeTask(i));
const suite: Suite<FakeTask> = {
  env: 'alfworld', split: 'fake', dataVersion: 'fake-1', tasks, prompts: alfworldPrompts, maxSteps: 8,
  makeEnv: () => new FakeEnv(), exampleName: 'none', outcome: alfworldOutcome, taskRecord: (t) => ({ id: t.id, type: t.type }),
};

describe('epo eval when things go wrong (fake suite, real HTTP)', () => {
  const runs = mkdtempSync(join(tmpdir(), 'epo-eval-hard-'));
  const w = walkthroughModel(new Map(tasks.map((t) => [new FakeEnv().reset(t), t.walkthrough])));
  const hang = { on: false };
  const headers: IncomingMessage['headers'][] = [];
  let server: RunningServer;
  let spec = '';
  const stored = (run: string) => {
    const st = RunStore.open(join(runs, run, 'epo.sqlite'));
    try { return [...st.episodes()]; } finally { st.close(); }
  };
  const evalArgs = (run: string, ...more: string[]) => ['eval', '--env', 'fakeh', '--strategist', spec, '--actor', spec, '--run', run, ...more];

  beforeAll(async () => {
    process.env.EPO_RUNS_DIR = runs;
    registerSuite('fakeh', { describe: 'test suite', defaults: { split: 'fake', trainSplit: 'fake', evalSplit: 'fake' }, build: async (o) => ({ ...suite, tasks: o.limit ? tasks.slice(0, o.limit) : tasks }) });
    // A hung server holds the request far past any episode time limit of these tests.
    server = await startServer({ model: w.model, name: 'walkthrough', faults: (_n, req) => { headers.push(req.headers); return hang.on ? { kind: 'delay', ms: 30_000 } : undefined; } });
    spec = `${server.baseURL}#walkthrough`;
  });
  afterEach(() => { hang.on = false; });
  afterAll(async () => {
    unregisterSuite('fakeh');
    delete process.env.EPO_RUNS_DIR;
    await server.close();
    rmSync(runs, { recursive: true, force: true });
  });

  it('does not store episodes cut by --timeout on a hung server: it reports them, exits non-zero, and plays them on the next run', async () => {
    hang.on = true;
    const first = await captured(() => runCli(evalArgs('hung', '--limit', '2', '--timeout', '0.2', '--quiet')));
    expect(first.error).toBeUndefined();
    expect(first.exitCode).toBe(1);
    expect(first.err).toMatch(/2 episodes failed \(timeout\) and were not stored; re-run to retry them/);
    expect(stored('hung')).toEqual([]);
    expect(JSON.parse(readFileSync(join(runs, 'hung', 'summary.json'), 'utf8')).episodes).toBe(0);

    hang.on = false;
    const second = await captured(() => runCli(evalArgs('hung', '--limit', '2', '--timeout', '60', '--quiet')));
    expect(second.error).toBeUndefined();
    expect(second.exitCode).toBeUndefined();
    expect(stored('hung').map((e) => [e.outcome.reason, e.outcome.success])).toEqual([['done', true], ['done', true]]);
  });

  it('replaces the protocol of a run that holds no finished episode, and says so in the log', async () => {
    hang.on = true;
    const first = await captured(() => runCli(evalArgs('nothing-done', '--limit', '1', '--max-steps', '5', '--timeout', '0.2', '--quiet')));
    expect(first.exitCode).toBe(1);
    hang.on = false;
    const second = await captured(() => runCli(evalArgs('nothing-done', '--limit', '1', '--max-steps', '6', '--quiet')));
    expect(second.error).toBeUndefined();
    expect(stored('nothing-done')).toHaveLength(1);
    expect(readFileSync(join(runs, 'nothing-done', 'log.jsonl'), 'utf8')).toMatch(/holds no finished episode: its protocol is replaced \(maxSteps 5 → 6\)/);
    // once an episode is stored, the protocol is fixed again
    const third = await captured(() => runCli(evalArgs('nothing-done', '--limit', '1', '--max-steps', '7', '--quiet')));
    expect(String(third.error)).toMatch(/was started with maxSteps = 6, not 7/);
  });

  it('keeps a secret written inline in a model spec out of the store, the summary, the log and the output, and still sends it', async () => {
    const secret = 'sk-inline-0123456789abcdef';
    const inline = `${spec}?header.X-Api-Key=${secret}`;
    const summary = join(runs, 'secret-summary.json');
    headers.length = 0;
    const r = await captured(() => runCli(['eval', '--env', 'fakeh', '--strategist', inline, '--actor', inline, '--run', 'secret', '--limit', '1', '--summary', summary]));
    expect(r.error).toBeUndefined();
    expect(headers.length).toBeGreaterThan(0);
    expect(headers.every((h) => h['x-api-key'] === secret)).toBe(true); // the real value is sent
    expect(stored('secret')).toHaveLength(1);
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s.protocol.models.strategist.spec).toBe(`${spec}?header.X-Api-Key=[REDACTED]`);
    expect(r.err).toContain('run secret');
    for (const [where, text] of [['run folder', folderBytes(join(runs, 'secret'))], ['--summary', readFileSync(summary, 'latin1')], ['stdout', r.out], ['stderr', r.err]]) {
      expect(text.includes(secret), `${where} holds the secret`).toBe(false);
    }
  });

  it('keeps inline secrets out of spec errors', async () => {
    const secret = 'tok-0123456789abcdef';
    const r = await captured(() => runCli(evalArgs('bad-spec').map((a) => (a === spec ? `${spec}?api_key=${secret}&x=1` : a))));
    expect(String(r.error)).toMatch(/unknown option "api_key"/);
    expect(String(r.error)).not.toContain(secret);
  });

  it('refuses out-of-range and non-integer counts, naming the flag and its range', async () => {
    const bad: [string[], RegExp][] = [
      [['--trials', '100000000'], /--trials must be a whole number from 1 to 10000, got "100000000"/],
      [['--max-steps', '1e20'], /--max-steps must be a whole number from 1 to 10000, got "1e20"/],
      [['--limit', '1e2'], /--limit must be a whole number from 1 to /],
      [['--timeout', '0'], /--timeout must be a number of seconds > 0 and ≤ 604800, got "0"/],
      [['--concurrency', '5000'], /--concurrency must be a whole number from 1 to 4096, got "5000"/],
      [['--max-tokens', '2.5'], /--max-tokens must be a whole number from 1 to /],
      [['--temperature', '7'], /--temperature must be a number from 0 to 2, got "7"/],
      [['--top-p', '0'], /--top-p must be a number > 0 and ≤ 1, got "0"/],
      [['--seed', '-1'], /--seed must be a whole number from 0 to 4294967295, got "-1"/],
    ];
    const before = server.requests();
    for (const [flags, message] of bad) await expect(runCli(evalArgs('flags', ...flags, '--quiet'))).rejects.toThrow(message);
    expect(server.requests()).toBe(before);
  });

  it('checks --summary before any episode runs: a folder or an unwritable path is refused at once', async () => {
    const folder = join(runs, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const file = join(runs, 'a-file');
    writeFileSync(file, 'x');
    const before = server.requests();
    await expect(runCli(evalArgs('summary-folder', '--summary', folder, '--quiet'))).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/--summary .*a-folder is a folder; give a file path/) });
    await expect(runCli(evalArgs('summary-folder', '--summary', join(file, 'summary.json'), '--quiet'))).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/cannot write --summary/) });
    expect(server.requests()).toBe(before);
  });
});
