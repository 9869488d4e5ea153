/** Bring your own environment: the example module loaded by path, checked, evaluated; the checker on broken envs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ruleActor } from '../../src/agents/rule-actor.js';
import type { StepResult, Task, TextEnv } from '../../src/core/env.js';
import { createModel } from '../../src/llm/create.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { formatTable } from '../../src/eval/report.js';
import { resolveEnvironment } from '../../src/eval/registry.js';
import { checkTextEnv } from '../../src/envs/check.js';
import type { EnvMetrics } from '../../src/eval/generic.js';
import { expertMove, HanoiEnv, makeTasks, parsePosition, render, type Peg } from '../../examples/hanoi/towers.js';

const root = mkdtempSync(join(tmpdir(), 'epo-lib-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the example environment (examples/hanoi)', () => {
  it('the expert solves any position in the fewest moves (3 disks from A: 7 moves)', () => {
    const solve = (start: Peg[]) => {
      const env = new HanoiEnv();
      env.reset({ id: 'x', env: 'hanoi', disks: start.length, start });
      let moves = 0, pos = start;
      for (let m = expertMove(pos); m; m = expertMove(pos)) {
        env.step(`move ${'ABC'[m[0]]} to ${'ABC'[m[1]]}`);
        pos = parsePosition(env.step('look').observation)!; // an unknown action shows the position again
        moves++;
      }
      return { moves, won: pos.every((p) => p === 2) };
    };
    expect(solve([0, 0, 0])).toEqual({ moves: 7, won: true });
    expect(solve([0, 2, 2])).toEqual({ moves: 1, won: true }); // only disk 1 is away
    expect(solve([1, 1, 2])).toEqual({ moves: 3, won: true }); // a 2-disk tower from B onto disk 3
    expect(solve([2, 2, 0])).toEqual({ moves: 7, won: true }); // disks 1–2 on C must leave for disk 3 to come
    expect(parsePosition(render([1, 0, 2]))).toEqual([1, 0, 2]);
  });

  it('loads by path, passes checkTextEnv, and lists its splits in a fixed order', async () => {
    const { name, factory } = await resolveEnvironment('examples/hanoi/index.ts');
    expect(name).toBe('hanoi');
    expect(factory.defaults).toEqual({ split: 'test', trainSplit: 'train', evalSplit: 'test' });
    const suite = await factory.build({ seed: 0, example: false });
    expect(suite.tasks).toHaveLength(60);
    expect(suite.tasks.map((t) => t.id)).toEqual(makeTasks('test', 60, 2).map((t) => t.id));
    const report = await checkTextEnv(() => new HanoiEnv(), suite.tasks);
    expect(report).toMatchObject({ ok: true, errors: [], warnings: [] });
    expect((await factory.build({ seed: 0, example: false, types: ['2 disks'], limit: 5 })).tasks.every((t) => t.disks === 2)).toBe(true);
    await expect(factory.build({ seed: 0, example: false, split: 'dev' })).rejects.toThrow(/hanoi has no split "dev" \(it has train, test\)/);
  });

  it('evaluates with its expert strategist and the rule actor: every task won, figures per disk count', async () => {
    const { factory } = await resolveEnvironment('examples/hanoi/index.ts');
    const suite = await factory.build({ seed: 0, example: false, limit: 12 });
    const { summary } = await evaluate({
      suite, run: 'hanoi', runsRoot: root, mode: 'epo', concurrency: 4, showAdmissible: true,
      strategist: { model: createModel('scripted:hanoi-expert'), ref: { spec: 'scripted:hanoi-expert' } },
      actor: { model: ruleActor(), ref: { spec: 'scripted:rule-actor' } },
    });
    const m = summary.metrics as EnvMetrics;
    expect(m.success.mean).toBe(1);
    expect(Object.keys(m.byType).sort()).toEqual([...new Set(suite.tasks.map((t) => `${t.disks} disks`))].sort());
    expect(m.reward.mean).toBe(1);
    expect(formatTable(summary)).toMatch(/success %\s+100\.0 .*12\/12/);
  });

  it('refuses a module that exports no definition, naming what is missing', async () => {
    await expect(resolveEnvironment('examples/hanoi/towers.ts')).rejects.toThrow(/not an environment definition/);
    await expect(resolveEnvironment('./no/such/env.ts')).rejects.toThrow(/no environment module at/);
    await expect(resolveEnvironment('no-such-env-package')).rejects.toThrow(/neither a known environment/);
  });
});

describe('checkTextEnv finds what breaks the contract', () => {
  interface T extends Task { n: number }
  const tasks: T[] = [{ id: 't0', env: 'x', n: 0 }, { id: 't1', env: 'x', n: 1 }];
  /** A small correct environment; `flaw` breaks one rule. */
  const make = (flaw?: 'random' | 'shared' | 'throws' | 'reward' | 'progress' | 'dupes' | 'empty') => {
    let shared = 0;
    return (): TextEnv<T> => {
      let count = 0;
      return {
        name: 'counter',
        reset: (t) => { count = t.n; shared = t.n; return flaw === 'empty' ? '' : `count ${count}`; },
        step: (a): StepResult => {
          if (a !== 'inc' && flaw === 'throws') throw new Error('unknown action');
          if (a === 'inc') { count++; shared++; }
          const value = flaw === 'shared' ? shared : count;
          const noise = flaw === 'random' ? Math.random() : 0;
          return { observation: `count ${value + noise}`, reward: flaw === 'reward' ? NaN : 0, done: value >= 3, info: { progress: flaw === 'progress' ? 2 : value / 3 } };
        },
        admissibleActions: () => (flaw === 'dupes' ? ['inc', 'inc'] : ['inc', 'wait']),
      };
    };
  };

  it('accepts the correct one', async () => {
    expect(await checkTextEnv(make(), tasks)).toMatchObject({ ok: true, errors: [], warnings: [] });
  });

  it.each([
    ['random', /different observations/],
    ['shared', /share state/],
    ['throws', /unknown action .* threw: unknown action/],
    ['reward', /reward must be a finite number, got NaN/],
    ['empty', /reset must return the first observation as non-empty text/],
  ] as const)('%s', async (flaw, message) => {
    const r = await checkTextEnv(make(flaw), tasks);
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toMatch(message);
  });

  it.each([
    ['progress', /info.progress should be a number in \[0, 1\], got 2/],
    ['dupes', /repeat an entry/],
  ] as const)('warns on %s', async (flaw, message) => {
    const r = await checkTextEnv(make(flaw), tasks);
    expect(r.ok).toBe(true);
    expect(r.warnings.join('\n')).toMatch(message);
  });
});
