/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty project, then run the `epo` binary
 * and a script that uses only the public API (its own environment, checkTextEnv, evaluate, one self-play iteration
 * with the shipped built-in strategist). Slow (the install builds better-sqlite3), so one pack serves every test.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'epo-pack-'));
const project = join(root, 'project');
afterAll(() => rmSync(root, { recursive: true, force: true }));

// asynchronous: a test worker blocked for minutes in a synchronous call misses vitest's own messages and fails the run
const npm = (args: string[], cwd: string) => promisify(execFile)('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' }, maxBuffer: 64 * 1024 * 1024 });
/** Run a program to its end without blocking the test worker. */
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
  const child = spawn(cmd, args, { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  child.on('close', (status) => resolve({ status, stdout, stderr }));
});
const epo = (args: string[]) => run(join(project, 'node_modules', '.bin', 'epo'), args, { ...process.env, EPO_RUNS_DIR: join(project, 'runs') });

beforeAll(async () => {
  await npm(['pack', '--pack-destination', root], process.cwd());
  const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'))!;
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', type: 'module', private: true }));
  await npm(['install', join(root, tarball), '--prefer-offline', '--no-audit', '--no-fund'], project);
}, 600_000);

describe('the installed package', () => {
  it('ships the built code, declarations and assets, not sources or tests', () => {
    const pkg = join(project, 'node_modules', 'epo');
    const files = readdirSync(pkg, { recursive: true }).map(String);
    expect(files).toContain(join('dist', 'index.d.ts'));
    expect(files).toContain(join('dist', 'cli', 'main.js'));
    expect(files).toContain(join('assets', 'demo', 'strategist-0', 'model.safetensors'));
    expect(files.filter((f) => f.startsWith('src') || f.startsWith('test') || /\.test\.(js|ts)$/.test(f))).toEqual([]);
  });

  it('runs the epo binary: help, and eval on the example environment with scripted models', async () => {
    const help = await epo(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: epo/);
    const r = await epo(['eval', '--env', 'node_modules/epo/examples/hanoi/index.ts', '--strategist', 'scripted:hanoi-expert', '--actor', 'scripted:rule-actor', '--show-admissible', '--limit', '6', '--run', 'hanoi']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/success %\s+100\.0 .*6\/6/);
    // The install built the native engine (needs only the compiler that better-sqlite3 needs too).
    const info = await epo(['model', 'info', '--model', 'local:node_modules/epo/assets/demo/strategist-0']);
    expect(JSON.parse(info.stdout).engine).toMatch(/^native \(\d+ threads?\)$/);
  });

  it('runs a script on the public API: its own environment, checkTextEnv, evaluate, one self-play iteration', async () => {
    writeFileSync(join(project, 'script.mjs'), SCRIPT);
    const r = await run(process.execPath, ['script.mjs']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.check).toEqual({ ok: true, errors: [] });
    expect(out.evalSuccess).toBe(1);
    expect(out.iterations).toEqual([0, 1]);
    expect(out.trained).toMatch(/^local:/);
  }, 300_000);

  it('imports the AI SDK adapter by its subpath without `ai` installed; the main entry holds no adapter', async () => {
    writeFileSync(join(project, 'adapters.mjs'), ADAPTERS);
    const r = await run(process.execPath, ['adapters.mjs']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({
      spec: 'v3', hooks: ['specificationVersion', 'transformParams', 'wrapGenerate', 'wrapStream'], inMain: false, langchain: 'ERR_MODULE_NOT_FOUND',
    });
  });
});

/** A user's script: a counter environment (reach the target by `inc`), defined with the public API only. */
const SCRIPT = `
import { checkTextEnv, createModel, evaluate, registerEnvironment, ruleActor, selfPlay, suiteArena, makeRule, scriptedModel } from 'epo';
import { fileURLToPath } from 'node:url';

class Counter {
  name = 'counter';
  reset(task) { this.n = 0; this.target = task.target; return 'Count to ' + task.target + '. The count is 0.'; }
  step(action) {
    if (action === 'inc') this.n++;
    const won = this.n === this.target;
    return { observation: 'The count is ' + this.n + '.', reward: won ? 1 : 0, done: won, info: { won, progress: this.n / this.target } };
  }
  admissibleActions() { return ['inc', 'wait']; }
}
const tasks = (split, k) => Array.from({ length: k }, (_, i) => ({ id: split + '-' + i, env: 'counter', target: 1 + (i % 3), type: 'to ' + (1 + (i % 3)) }));
const factory = registerEnvironment({
  name: 'counter', maxSteps: 6, makeEnv: () => new Counter(),
  splits: { train: () => tasks('train', 8), test: () => tasks('test', 4) },
  prompts: {
    strategist: 'Say which action to take next, as Thought: ...', actor: 'Answer Action: inc or Action: wait.', solo: 'Answer Thought: ... then Action: inc or wait.',
    normaliseAction: (a) => (['inc', 'wait'].includes(a.trim().toLowerCase()) ? a.trim().toLowerCase() : undefined), invalidAnswer: 'Say Action: inc.',
  },
});
const test = await factory.build({ split: 'test', seed: 0, example: false });
const train = await factory.build({ split: 'train', seed: 0, example: false });
const check = await checkTextEnv(test.makeEnv, test.tasks);

const actor = { model: ruleActor(), ref: { spec: 'scripted:rule-actor' } };
const always = { model: scriptedModel(() => 'Thought: inc'), ref: { spec: 'scripted:always-inc' } };
const runsRoot = fileURLToPath(new URL('./runs/', import.meta.url));
const { summary } = await evaluate({ suite: test, run: 'counter-eval', runsRoot, mode: 'epo', strategist: always, actor, concurrency: 4, showAdmissible: true });

const start = 'local:' + fileURLToPath(new URL('./node_modules/epo/assets/demo/strategist-0', import.meta.url));
const r = await selfPlay({
  run: 'counter-selfplay', runsRoot, strategist: start, judge: 'env', rule: makeRule('discounted', { gamma: 0.5 }),
  arena: suiteArena({ trainSuite: train, evalSuite: test, actor, concurrency: 4, showAdmissible: true }),
  iterations: 1, episodes: 4, concurrency: 4, seed: 0, train: { epochs: 1, batchSize: 2 },
});
console.log(JSON.stringify({
  check: { ok: check.ok, errors: check.errors }, evalSuccess: summary.metrics.success.mean,
  iterations: r.state.iterations.map((it) => it.iteration), trained: r.state.iterations[1].strategist,
}));
`;

/** The adapters as an application without the frameworks sees them: optional peers are not installed. */
const ADAPTERS = `
import { epoStrategist } from 'epo/ai-sdk';
import * as epo from 'epo';
const m = epoStrategist({ strategist: 'scripted:echo' });
let langchain = 'loaded';
try { await import('epo/langchain'); } catch (e) { langchain = e.code; }
console.log(JSON.stringify({ spec: m.specificationVersion, hooks: Object.keys(m).sort(), inMain: 'epoStrategist' in epo || 'withStrategist' in epo, langchain }));
`;
