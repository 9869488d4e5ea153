import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/random.js';
import { parseTypes } from '../../../cli/envs/alfworld-generate.js';
import { TASK_TYPES, type TaskType } from './stats.js';
import { allocateTypes, generateGame, generateSet, writeSet } from './write.js';

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('generated sets', () => {
  it('are byte-identical for a seed and differ across seeds', () => {
    const a = mkdtempSync(join(tmpdir(), 'epo-gen-')), b = mkdtempSync(join(tmpdir(), 'epo-gen-'));
    writeSet(a, 24, { seed: 9 });
    writeSet(b, 24, { seed: 9 });
    const da = digest(a);
    expect(Object.keys(da)).toHaveLength(25);
    expect(digest(b)).toEqual(da);
    expect(generateSet(3, { seed: 10 }).games).not.toEqual(generateSet(3, { seed: 9 }).games);
  });

  it('allocates task types in exactly the requested proportions', () => {
    const count = (xs: TaskType[]): Record<string, number> => xs.reduce((m, t) => ({ ...m, [t]: (m[t] ?? 0) + 1 }), {} as Record<string, number>);
    expect(count(allocateTypes(1000, parseTypes('pick=1,look=3'), createRng(1)))).toEqual({ pick_and_place_simple: 250, look_at_obj_in_light: 750 });
    expect(count(allocateTypes(7, parseTypes('heat,cool'), createRng(1)))).toEqual({ pick_heat_then_place_in_recep: 4, pick_cool_then_place_in_recep: 3 });
    const s = generateSet(60, { seed: 2, types: Object.fromEntries(TASK_TYPES.map((t) => [t, 1])) });
    expect(Object.values(s.types)).toEqual(Array(6).fill(10));
  });

  it('lays games out as the official folders and files, with the goal unmet at the start', () => {
    const s = generateSet(60, { seed: 4 }, (g) => {
      expect(g.dir).toMatch(new RegExp(`^${g.task.type}-${g.task.object}-None-${g.task.target}-\\d+/trial_G4_\\d{6}$`));
      const data = JSON.parse(g.text);
      expect(Object.keys(data)).toEqual(['pddl_domain', 'grammar', 'pddl_problem', 'solvable', 'walkthrough']);
      expect(data.grammar).toContain(`"rhs": "Your task is to: ${g.task.sentence}"`);
      expect(data.walkthrough).toEqual(g.walkthrough);
      if (g.task.type !== 'look_at_obj_in_light') {
        const inTarget = g.scene.objects.filter((o) => o.type === g.task.object && g.scene.receptacles.find((r) => r.id === o.in)?.type === g.task.target);
        expect(inTarget).toEqual([]);
      }
    });
    expect(s.games).toHaveLength(60);
  });

  it('honours the knobs: receptacle range, distractors, closed share, rooms', () => {
    for (let i = 0; i < 20; i++) {
      const g = generateGame(i, 'pick_clean_then_place_in_recep', { seed: 1, receptacles: [6, 8], distractors: 0, closedShare: 0 });
      expect(g.scene.receptacles.length).toBeGreaterThanOrEqual(6);
      expect(g.scene.receptacles.length).toBeLessThanOrEqual(8);
      expect(g.scene.objects.map((o) => o.type)).toEqual([g.task.object]);
      expect(g.scene.receptacles.every((r) => !r.openable || r.opened)).toBe(true);
      expect(g.walkthrough.some((c) => c.startsWith('open '))).toBe(false);
    }
    expect(generateGame(0, 'pick_two_obj_and_place', { seed: 1, rooms: ['bathroom'] }).task.room).toBe('bathroom');
    expect(() => generateGame(0, 'pick_heat_then_place_in_recep', { seed: 1, rooms: ['bathroom'] })).toThrow(/never occurs in room types bathroom/);
  });
});
