/**
 * `--protocol reference` on `epo selfplay` and `epo demo` (ALFWorld): rollouts and evaluations run with the release's
 * layout and step limit, evaluations and the actor decode greedily, and every sub-run records the protocol.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBuiltins } from '../../src/builtins.js';
import { dataDir } from '../../src/data/dir.js';
import type { Episode } from '../../src/core/episode.js';
import type { Protocol } from '../../src/eval/report.js';
import { RunStore } from '../../src/store/run-store.js';
import { baseModelFolder } from '../helpers/base-model.js';
import { findData } from '../helpers/data.js';
import { epo } from '../helpers/store-cli.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-ref-sp-'));
beforeAll(() => { registerBuiltins(); process.env.EPO_RUNS_DIR = runs; });
afterAll(() => { delete process.env.EPO_RUNS_DIR; rmSync(runs, { recursive: true, force: true }); });

const open = <R>(path: string, f: (s: RunStore) => R): R => { const s = RunStore.open(path); try { return f(s); } finally { s.close(); } };
const protocolOf = (path: string) => open(path, (s) => s.getMeta<Protocol>('protocol')!);
const episodesOf = (path: string): Episode[] => open(path, (s) => [...s.episodes()]);

const ref = findData('epo-reference', 'Alfshop/eval_agent/configs/task/alfworld.json');
const alf = findData('alfworld');
const root = alf && dirname(alf);

describe.skipIf(!ref || !root || !ref.startsWith(root))('epo selfplay --env alfworld --protocol reference', () => {
  it('runs rollouts and evaluations in the release layout, greedy in evaluations, and records the protocol', async () => {
    const r = await epo(['selfplay', '--env', 'alfworld', '--protocol', 'reference', '--data', root!, '--strategist', 'scripted:echo', '--actor', 'scripted:echo',
      '--train-tasks', 'valid_seen', '--eval-tasks', 'valid_unseen', '--eval-limit', '1', '--episodes', '1', '--iterations', '1', '--concurrency', '1', '--run', 'sp',
      '--base-model', baseModelFolder()]);
    expect(r.error?.message).toBeUndefined();
    const evalP = protocolOf(join(runs, 'sp', 'it0-eval', 'epo.sqlite'));
    const rollP = protocolOf(join(runs, 'sp', 'it1-rollouts', 'epo.sqlite'));
    expect(evalP).toMatchObject({ protocol: 'reference', maxSteps: 40, models: { strategist: { spec: 'scripted:echo', temperature: 0, maxTokens: 512 }, actor: { temperature: 0, maxTokens: 512 } } });
    expect(rollP).toMatchObject({ protocol: 'reference', maxSteps: 40, models: { strategist: { temperature: 1, maxTokens: 512 } } });
    const [e] = episodesOf(join(runs, 'sp', 'it1-rollouts', 'epo.sqlite'));
    const instruction = readFileSync(join(dirname(ref!), '../../prompt/instructions/alfworld_thought_inst.txt'), 'utf8');
    expect(e.turns[0].strategist!.input[0]).toEqual({ role: 'user', content: instruction });
    expect(e.turns[0].strategist!.input[1]).toEqual({ role: 'assistant', content: 'OK' });
    expect(e.outcome.protocol).toBe('reference');
  }, 120_000);

  it('refuses --eval-temperature, which the release protocol fixes', async () => {
    const r = await epo(['selfplay', '--env', 'alfworld', '--protocol', 'reference', '--data', root!, '--strategist', 'scripted:echo', '--actor', 'scripted:echo',
      '--eval-temperature', '0.5', '--run', 'sp2']);
    expect(r.error?.message).toMatch(/reference protocol evaluates with the release's greedy decoding; drop --eval-temperature/);
  });
});

describe('epo demo --protocol reference', () => {
  it('needs real models: the release prompts do not fit the built-in strategist', async () => {
    const r = await epo(['demo', '--protocol', 'reference', '--iterations', '0', '--run', 'demo-ref']);
    expect(r.error?.message).toMatch(/do not fit the built-in strategist's 1,024 tokens: give --strategist/);
  });

  // the demo reads the release files from the data folder (its games are generated)
  it.skipIf(!ref || !ref.startsWith(dataDir()))('evaluates the generated games in the release layout and says so', async () => {
    const r = await epo(['demo', '--protocol', 'reference', '--strategist', 'scripted:echo', '--actor', 'scripted:echo', '--iterations', '0',
      '--eval-tasks', '2', '--train-tasks', '2', '--concurrency', '1', '--run', 'demo-ref2']);
    expect(r.error?.message).toBeUndefined();
    expect(r.out).toMatch(/^protocol reference$/m);
    const summary = JSON.parse(readFileSync(join(runs, 'demo-ref2', 'summary.json'), 'utf8'));
    expect(summary.protocol).toBe('reference');
    expect(protocolOf(join(runs, 'demo-ref2', 'it0-eval', 'epo.sqlite'))).toMatchObject({ protocol: 'reference', maxSteps: 40, models: { strategist: { temperature: 0 } } });
  }, 120_000);
});
