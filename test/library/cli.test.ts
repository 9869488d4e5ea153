/** The CLI on an environment module: eval --env, selfplay --env with a config file, flags over the file, --print-config. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RunStore } from '../../src/store/run-store.js';
import { epo } from '../helpers/store-cli.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-lib-cli-'));
beforeAll(() => { process.env.EPO_RUNS_DIR = runs; });
afterAll(() => { delete process.env.EPO_RUNS_DIR; rmSync(runs, { recursive: true, force: true }); });

const HANOI = 'examples/hanoi/index.ts';

describe('epo eval --env <module>', () => {
  it('runs the example environment and writes the resolved configuration into the run folder', async () => {
    const r = await epo(['eval', '--env', HANOI, '--strategist', 'scripted:hanoi-expert', '--actor', 'scripted:rule-actor', '--show-admissible', '--limit', '5', '--run', 'h1', '--quiet']);
    expect(r.err).not.toMatch(/error/);
    expect(r.out).toMatch(/^hanoi test · run h1 · 5 of 5 episodes/m);
    expect(r.out).toMatch(/success %\s+100\.0 .*5\/5/);
    const config = parse(readFileSync(join(runs, 'h1', 'config.yaml'), 'utf8'));
    expect(config).toMatchObject({ env: HANOI, limit: 5, show_admissible: true, concurrency: 16, mode: 'epo', strategist: 'scripted:hanoi-expert' });
  });

  it('prints the configuration with --print-config and runs nothing', async () => {
    const r = await epo(['eval', '--env', HANOI, '--strategist', 'scripted:hanoi-expert', '--run', 'never', '--seed', '7', '--print-config']);
    expect(parse(r.out)).toMatchObject({ env: HANOI, seed: 7, run: 'never' });
    expect(r.out).toMatch(/^### rollout$/m);
    expect(existsSync(join(runs, 'never'))).toBe(false);
  });

  it('checks the module with epo env check', async () => {
    const r = await epo(['env', 'check', '--env', HANOI, '--tasks', '2']);
    expect(r.out).toMatch(/hanoi test: passes the TextEnv check \(2 tasks/);
    expect(r.code).toBe(0);
  });
});

describe('epo selfplay --env <module> --config <file>', () => {
  it('takes settings from the file, a flag over the file, and records what it ran with', async () => {
    const file = join(runs, 'sp.yaml');
    writeFileSync(file, [
      `env: ${HANOI}`, 'strategist: local:assets/demo/strategist-0', 'actor: scripted:rule-actor', 'show_admissible: true',
      'iterations: 3', 'episodes: 4', 'eval_limit: 4', 'epochs: 1', 'batch_size: 2', 'rule: discounted', 'run: hsp',
    ].join('\n'));
    const r = await epo(['selfplay', '--config', file, '--iterations', '1']);
    expect(r.err).not.toMatch(/error/);
    expect(r.out).toMatch(/^iteration {2}held-out success/m);
    const config = parse(readFileSync(join(runs, 'hsp', 'config.yaml'), 'utf8'));
    expect(config).toMatchObject({ env: HANOI, iterations: 1, episodes: 4, eval_limit: 4, epochs: 1, batch_size: 2, rule: 'discounted' });
    const store = RunStore.open(join(runs, 'hsp', 'epo.sqlite'));
    try {
      const state = store.getMeta<{ iterations: { iteration: number; eval?: { episodes: number } }[] }>('selfplay')!;
      expect(state.iterations.map((it) => it.iteration)).toEqual([0, 1]);
      expect(state.iterations.every((it) => it.eval?.episodes === 4)).toBe(true);
    } finally { store.close(); }
  }, 120_000);

  it('refuses a config file with an unknown key or a bad value, naming the file', async () => {
    const file = join(runs, 'bad.yaml');
    writeFileSync(file, `env: ${HANOI}\nstrategist: scripted:hanoi-expert\nactor: scripted:rule-actor\nepisodess: 4\niterations: 0\n`);
    const r = await epo(['selfplay', '--config', file]);
    expect(r.err).toMatch(/episodess: unknown key \(did you mean episodes\?\)/);
    expect(r.err).toMatch(/iterations must be a whole number from 1 to 1000, got 0 \(in .*bad\.yaml; flag --iterations\)/);
    expect(r.code).toBe(2);
  });

  it('hands a strategist trained outside to LLaMA-Factory through the dataset export: base model, template, cutoff check', async () => {
    const r = await epo(['selfplay', '--env', HANOI, '--strategist', 'scripted:hanoi-expert', '--actor', 'scripted:rule-actor', '--show-admissible',
      '--iterations', '1', '--episodes', '4', '--eval-limit', '2', '--run', 'hand', '--base-model', 'meta-llama/Meta-Llama-3-8B-Instruct', '--cutoff-len', '2048']);
    expect(r.out).toMatch(/waiting for a checkpoint trained outside/);
    const dir = join(runs, 'hand', 'it1-dataset');
    const yaml = parse(readFileSync(join(dir, 'train_epo.yaml'), 'utf8'));
    expect(yaml).toMatchObject({ model_name_or_path: 'meta-llama/Meta-Llama-3-8B-Instruct', template: 'llama3', cutoff_len: 2048, dataset: 'epo_it1' });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.export).toMatchObject({ format: 'llamafactory', cutoff: { cutoffLen: 2048, policy: 'drop' } });
    expect(existsSync(join(dir, 'train.jsonl'))).toBe(true);
  }, 60_000);
});
