import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findData } from '../../../../test/helpers/data.js';
import { createRng } from '../../../core/random.js';
import { measureStats, type OfficialGame } from './measure.js';
import { sampleScene } from './scene.js';
import { histogramMean, loadStats, type AlfworldStats } from './stats.js';
import { measuredStats } from './stats-table.js';

const official = findData('alfworld', 'json_2.1.1');

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n === 'game.tw-pddl' ? [p] : [];
  });
}

describe.skipIf(!official)('the committed statistics table', () => {
  it('is exactly what measuring the official games gives', () => {
    const games: OfficialGame[] = walk(official!).map((p) => ({ path: relative(official!, p), problem: JSON.parse(readFileSync(p, 'utf8')).pddl_problem }));
    expect(measureStats(games, measuredStats.source)).toEqual(measuredStats);
  });
});

describe('the scene sampler draws from the statistics table', () => {
  const stats = loadStats();

  it('follows a changed table exactly: counts, placements and closed share come from it', () => {
    const table: AlfworldStats = structuredClone(stats);
    table.rooms.kitchen.receptacles = { Cabinet: [0, 0, 0, 7], Drawer: [0, 0, 4], Fridge: [0, 1] };
    table.rooms.kitchen.objects = { Apple: [0, 0, 3], Mug: [0, 5] };
    table.rooms.kitchen.placements = { Apple: { Fridge: 10 }, Mug: { Cabinet: 2, Fridge: 2 } };
    table.receptacleProps.Cabinet = { instances: 1, openable: 1, closedAtStart: 0 };
    const rng = createRng(11);
    for (let i = 0; i < 50; i++) {
      const s = sampleScene(rng, table, 'kitchen', { receptacles: [], objects: [] });
      const count = (t: string): number => s.receptacles.filter((r) => r.type === t).length;
      expect([count('Cabinet'), count('Drawer'), count('Fridge'), s.receptacles.length]).toEqual([3, 2, 1, 6]);
      const where = (t: string): string[] => s.objects.filter((o) => o.type === t).map((o) => s.receptacles.find((r) => r.id === o.in)!.type);
      expect(where('Apple')).toEqual(['Fridge', 'Fridge']);
      expect(where('Mug')).toHaveLength(1);
      expect(['Cabinet', 'Fridge']).toContain(where('Mug')[0]);
      expect(s.receptacles.filter((r) => r.type === 'Cabinet').every((r) => r.openable && r.opened)).toBe(true);
    }
  });

  it('reproduces the measured kitchen: receptacle counts and where apples lie', () => {
    const rng = createRng(5);
    const n = 600;
    const sums: Record<string, number> = {};
    const apples: Record<string, number> = {};
    let appleTotal = 0;
    for (let i = 0; i < n; i++) {
      const s = sampleScene(rng, stats, 'kitchen', { receptacles: [], objects: [] });
      for (const r of s.receptacles) sums[r.type] = (sums[r.type] ?? 0) + 1;
      for (const o of s.objects.filter((x) => x.type === 'Apple')) {
        const t = s.receptacles.find((r) => r.id === o.in)!.type;
        apples[t] = (apples[t] ?? 0) + 1;
        appleTotal++;
      }
    }
    const k = stats.rooms.kitchen;
    // Mean instances per kitchen, e.g. cabinets 9.4, drawers 4.6, stove burners 4.1, fridges 1.1.
    for (const [t, h] of Object.entries(k.receptacles)) expect(Math.abs((sums[t] ?? 0) / n - histogramMean(h))).toBeLessThan(0.1 * histogramMean(h) + 0.05);
    expect(Math.abs(appleTotal / n - histogramMean(k.objects.Apple))).toBeLessThan(0.1);
    const measured = k.placements.Apple;
    const total = Object.values(measured).reduce((a, b) => a + b, 0);
    for (const t of ['Fridge', 'CounterTop', 'DiningTable']) {
      expect(Math.abs((apples[t] ?? 0) / appleTotal - measured[t] / total)).toBeLessThan(0.06);
    }
  });
});
