import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerTrain } from '../src/cli/commands/train.js';
import { findOnPath, launchPlan } from '../src/train/export/llamafactory-launch.js';

describe('epo train --engine llamafactory', () => {
  afterEach(() => { vi.restoreAllMocks(); vi.unstubAllEnvs(); });

  it('runs llamafactory-cli train <yaml> with FORCE_TORCHRUN=1 in --cwd when it is on PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-lf-'));
    const bin = join(dir, 'bin'), ds = join(dir, 'ds'), lf = join(dir, 'LLaMA-Factory');
    for (const d of [bin, ds, lf]) mkdirSync(d);
    writeFileSync(join(ds, 'train_epo.yaml'), 'stage: sft\n');
    const record = join(dir, 'called.txt');
    writeFileSync(join(bin, 'llamafactory-cli'), `#!/bin/sh\necho "$PWD|$FORCE_TORCHRUN|$*" > ${record}\nexit 0\n`);
    chmodSync(join(bin, 'llamafactory-cli'), 0o755);
    vi.stubEnv('PATH', `${bin}${delimiter}${process.env.PATH}`);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(findOnPath('llamafactory-cli')).toBe(join(bin, 'llamafactory-cli'));
    const p = new Command().exitOverride();
    registerTrain(p);
    await p.parseAsync(['node', 'epo', 'train', '--engine', 'llamafactory', '--dataset', ds, '--cwd', lf]);
    expect(readFileSync(record, 'utf8').trim()).toBe(`${lf}|1|train ${join(ds, 'train_epo.yaml')}`);
  });

  it('a failing trainer is an error; a dataset without train_epo.yaml is a clear error; unknown engines are named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-lf-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'llamafactory-cli'), '#!/bin/sh\nexit 3\n');
    chmodSync(join(bin, 'llamafactory-cli'), 0o755);
    writeFileSync(join(dir, 'train_epo.yaml'), 'stage: sft\n');
    vi.stubEnv('PATH', `${bin}${delimiter}${process.env.PATH}`);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const run = (...a: string[]) => { const p = new Command().exitOverride(); registerTrain(p); return p.parseAsync(['node', 'epo', 'train', ...a]); };
    await expect(run('--dataset', dir)).rejects.toThrow(/llamafactory-cli exited with code 3/);
    expect(() => launchPlan(bin)).toThrow(/no train_epo.yaml: build the dataset with --format llamafactory first/);
    await expect(run('--engine', 'deepspeed', '--dataset', dir)).rejects.toThrow(/--engine must be one of llamafactory, builtin, got "deepspeed"/);
  });
});
