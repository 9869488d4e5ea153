/** SOTOPIA task selections for self-play: `<set>[:<from>-<to>]` on the built-in set (and the installed data when present). */
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTaskSpec, selectTasks, sharedTasks } from '../../src/envs/sotopia/task-spec.js';
import { findData } from '../helpers/data.js';

describe('SOTOPIA task specs', () => {
  it('parses sets and half-open slices', () => {
    expect(parseTaskSpec('builtin', 'f')).toEqual({ set: 'builtin', from: 0 });
    expect(parseTaskSpec('all:0-300', 'f')).toEqual({ set: 'all', from: 0, to: 300 });
    expect(parseTaskSpec('all:300-', 'f')).toEqual({ set: 'all', from: 300 });
    expect(() => parseTaskSpec('some', '--eval-tasks')).toThrow(/"some" is not a SOTOPIA task set.*\(at --eval-tasks\)/);
    expect(() => parseTaskSpec('hard:5-5', '--eval-tasks')).toThrow(/empty/);
    expect(() => parseTaskSpec('all:-3', '--eval-tasks')).toThrow(/not a SOTOPIA task set/);
  });

  it('selects the built-in tasks by position with their scenario and characters', () => {
    const train = selectTasks('builtin:0-3', '--train-tasks'), held = selectTasks('builtin:3-', '--eval-tasks');
    expect(train.tasks.map((t) => t.combo.id)).toEqual(['epo-task-rent-1', 'epo-task-shift-1', 'epo-task-bike-1']);
    expect(held).toMatchObject({ spec: 'builtin:3-', set: 'builtin', dataVersion: 'builtin' });
    expect(held.tasks.map((t) => t.combo.id)).toEqual(['epo-task-bike-2', 'epo-task-noise-1']);
    expect(held.tasks[0].characters.map((c) => c.firstName)).toEqual(['Noor', 'Ines']);
    expect(held.tasks[0].scenario.codename).toBe('used_bike_sale');
    expect(sharedTasks(train, held)).toEqual([]);
    expect(sharedTasks(train, selectTasks('builtin', 'x'))).toEqual(['epo-task-rent-1', 'epo-task-shift-1', 'epo-task-bike-1']);
    expect(() => selectTasks('builtin:7-', '--eval-tasks')).toThrow(/starts at task 7 but the set has 5 tasks/);
    expect(() => selectTasks('all', '--eval-tasks', '/nonexistent')).toThrow(/--eval-tasks all: no SOTOPIA data.*builtin\[:FROM-TO\] offline/);
  });

  const file = findData('sotopia', 'environment_profiles.jsonl');
  const dir = file && dirname(file);
  it.skipIf(!dir)('slices the installed benchmark: 450 tasks, 70 hard ones', () => {
    expect(selectTasks('all:0-300', 'f', dir).tasks).toHaveLength(300);
    expect(selectTasks('all:300-', 'f', dir).tasks).toHaveLength(150);
    const hard = selectTasks('hard', 'f', dir);
    expect(hard.tasks).toHaveLength(70);
    expect(hard.dataVersion).toMatch(/^sotopia-/);
  });
});
