/** Numeric flags: plain whole numbers for counts, an upper bound for each, and errors that name the flag and range. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDemo } from '../src/cli/commands/demo.js';
import { describeRule, parseNumber, RULES } from '../src/cli/num.js';
import { registerSelfplay } from '../src/cli/commands/selfplay.js';
import { registerTrain } from '../src/cli/commands/train.js';
import { registerServe } from '../src/cli/commands/serve.js';
import { registerModel } from '../src/cli/commands/model.js';
import { registerAlfworldGenerate } from '../src/cli/envs/alfworld-generate.js';
import { registerWebShopGenerate } from '../src/cli/envs/webshop.js';

const cli = (register: (p: Command) => void, args: string[]) => {
  const p = new Command('epo').exitOverride();
  register(p);
  return p.parseAsync(['node', 'epo', ...args]);
};

describe('parseNumber', () => {
  it('takes counts only as plain whole numbers within their range', () => {
    expect(parseNumber('--trials', ' 12 ', RULES.trials)).toBe(12);
    expect(parseNumber('--seed', '-0', { integer: true })).toBe(0);
    for (const v of ['1e2', '12.0', '0x10', '', '9007199254740993', '1_000']) {
      expect(() => parseNumber('--limit', v, { integer: true, min: 1 }), v).toThrow(`--limit must be a whole number ≥ 1, got "${v}"`);
    }
    expect(() => parseNumber('--trials', '10001', RULES.trials)).toThrow('--trials must be a whole number from 1 to 10000, got "10001"');
  });

  it('takes real numbers within their range, exclusive bounds included', () => {
    expect(parseNumber('--timeout', '0.5', RULES.timeoutSeconds)).toBe(0.5);
    expect(parseNumber('--temperature', '1e-1', RULES.temperature)).toBe(0.1);
    for (const v of ['0', '-1', 'Infinity', '604801']) expect(() => parseNumber('--timeout', v, RULES.timeoutSeconds), v).toThrow(/--timeout must be a number of seconds > 0 and ≤ 604800/);
    expect(describeRule(RULES.topP)).toBe('a number > 0 and ≤ 1');
    expect(describeRule({ max: 3 })).toBe('a number ≤ 3');
    expect(describeRule({})).toBe('a number');
  });
});

describe('every numeric flag is checked before any work', () => {
  const runs = mkdtempSync(join(tmpdir(), 'epo-flags-'));
  beforeAll(() => { process.env.EPO_RUNS_DIR = runs; });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; });

  it('selfplay', async () => {
    const base = ['selfplay', '--env', 'sotopia', '--strategist', 'local:/nowhere', '--actor', 'scripted:sotopia', '--judge', 'scripted:sotopia',
      '--train-tasks', 'builtin:0-2', '--eval-tasks', 'builtin:2-3', '--run', 'sp'];
    const bad: [string[], RegExp][] = [
      [['--episodes', '1e3'], /--episodes must be a whole number from 1 to 100000, got "1e3"/],
      [['--trials', '100000'], /--trials must be a whole number from 1 to 10000/],
      [['--iterations', '5000'], /--iterations must be a whole number from 1 to 1000/],
      [['--gamma', '2'], /--gamma must be a number from 0 to 1/],
      [['--batch-size', '0'], /--batch-size must be a whole number from 1 to 65536/],
      [['--max-turns', '1e20'], /--max-turns must be a whole number from 1 to 10000/],
      [['--eval-limit', '2.5'], /--eval-limit must be a whole number/],
    ];
    for (const [flags, message] of bad) await expect(cli(registerSelfplay, [...base, ...flags])).rejects.toThrow(message);
    expect(existsSync(join(runs, 'sp'))).toBe(false);
  });

  it('demo', async () => {
    await expect(cli(registerDemo, ['demo', '--run', 'd', '--episodes', '1e3'])).rejects.toThrow(/--episodes must be a whole number from 1 to 100000, got "1e3"/);
    await expect(cli(registerDemo, ['demo', '--run', 'd', '--workers', '1000'])).rejects.toThrow(/--workers must be a whole number from 1 to 256/);
    await expect(cli(registerDemo, ['demo', '--run', 'd', '--concurrency', '1e9'])).rejects.toThrow(/--concurrency must be a whole number from 1 to 4096/);
    await expect(cli(registerDemo, ['demo', '--run', 'd', '--size', 'huge'])).rejects.toThrow(/--size must be one of micro, tiny, got "huge"/);
    expect(existsSync(join(runs, 'd'))).toBe(false);
  });

  it('train --engine builtin', async () => {
    const base = ['train', '--engine', 'builtin', '--dataset', join(runs, 'nowhere'), '--model', 'local:/nowhere', '--out', join(runs, 'out')];
    await expect(cli(registerTrain, [...base, '--batch-size', '0'])).rejects.toThrow(/--batch-size must be a whole number from 1 to 65536/);
    await expect(cli(registerTrain, [...base, '--epochs', '1e9'])).rejects.toThrow(/--epochs must be a number from 0 to 1000/);
  });

  it('serve, model, data generate', async () => {
    const generate = (p: Command) => { const g = p.command('generate'); registerAlfworldGenerate(g); registerWebShopGenerate(g); };
    const out = join(runs, 'gen');
    const bad: [(p: Command) => void, string[], RegExp][] = [
      [registerServe, ['serve', '--model', 'scripted:echo', '--port', '8e3'], /port must be a whole number from 0 to 65535 .*got "8e3" \(at --port\)/],
      [registerServe, ['serve', '--model', 'scripted:echo', '--max-body-bytes', '0'], /--max-body-bytes must be a whole number from 1 to 1073741824/],
      [registerModel, ['model', 'corpus', '--out', join(out, 'c.jsonl'), '--count', '1e12'], /--count must be a whole number from 1 to 10000000/],
      [generate, ['generate', 'alfworld', '--out', out, '--count', '1e9'], /--count must be a whole number from 1 to 1000000/],
      [generate, ['generate', 'alfworld', '--out', out, '--closed-share', '2'], /--closed-share must be a number from 0 to 1/],
      [generate, ['generate', 'webshop', '--out', out, '--products', '2.5'], /--products must be a whole number from 1 to 10000000/],
    ];
    for (const [register, args, message] of bad) await expect(cli(register, args), args.join(' ')).rejects.toThrow(message);
    expect(existsSync(out)).toBe(false);
  });
});
