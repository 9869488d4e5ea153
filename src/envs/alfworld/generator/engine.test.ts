/**
 * Generated games in the project's ALFWorld engine: every file loads, every walkthrough is accepted step by step
 * and wins, the observations have the official format, generated folders load and install like official splits,
 * and the project's domain and grammar behave exactly as the official ones.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findData } from '../../../../test/helpers/data.js';
import { silentLogger } from '../../../core/log.js';
import { createRng } from '../../../core/random.js';
import { alfworldData } from '../data.js';
import { gameFromData, readLogic, withLogic, type GameData } from '../load.js';
import { loadAlfworldTasks } from '../tasks.js';
import type { GrammarVariant } from './grammar.js';
import { generateSet, writeSet } from './write.js';

describe('generated games in the engine', () => {
  it('load, and every walkthrough wins on its last step (1,000 games, all six types)', () => {
    const failures: string[] = [];
    const summary = generateSet(1000, { seed: 2024 }, (g) => {
      const game = gameFromData(JSON.parse(g.text), g.dir);
      game.reset();
      g.walkthrough.forEach((c, i) => {
        const out = game.step(c);
        if (!out.valid || out.won !== (i === g.walkthrough.length - 1)) failures.push(`${g.dir} step ${i} "${c}": ${out.feedback}`);
      });
    });
    expect(failures.slice(0, 5)).toEqual([]);
    expect(Object.keys(summary.types).sort()).toHaveLength(6);
  });

  it('show the official observation format', () => {
    generateSet(12, { seed: 3 }, (g) => {
      const game = gameFromData(JSON.parse(g.text), g.dir);
      const intro = game.reset();
      expect(intro).toMatch(/^-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room\. Looking quickly around you, you see (a [a-z]+ \d+, )+and a [a-z]+ \d+\.\n\nYour task is to: .+\.$/);
      expect(game.step('go to nowhere 1').feedback).toBe('Nothing happens.');
      const first = game.step(g.walkthrough[0]).feedback;
      expect(first).toMatch(/^You arrive at [a-z]+ \d+\. (On the [a-z]+ \d+, you see (nothing|.+)\.|The [a-z]+ \d+ is (closed|open\. In it, you see .+)\.)$/);
    });
  });

  it('load as a task list like an official split: ids <task>/<trial>, types from the folder names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-gen-'));
    const summary = writeSet(dir, 30, { seed: 5 });
    const tasks = loadAlfworldTasks({ split: dir });
    expect(tasks.map((t) => `${t.id}/game.tw-pddl`).sort()).toEqual(summary.games.map((g) => g.path).sort());
    for (const t of tasks) expect(summary.games.find((g) => g.path.startsWith(t.id))!.type).toBe(t.type);
  });

  it('install as a split of the alfworld dataset (--split train, then epo data install alfworld --from)', async () => {
    const from = mkdtempSync(join(tmpdir(), 'epo-gen-')), root = mkdtempSync(join(tmpdir(), 'epo-data-'));
    const summary = writeSet(join(from, 'json_2.1.1', 'train'), 20, { seed: 6 });
    const m = await alfworldData.install({ from, root, log: silentLogger });
    expect(m.files).toBe(20);
    const tasks = loadAlfworldTasks({ split: 'train', root });
    expect(tasks.map((t) => t.type).sort()).toEqual(summary.games.map((g) => g.type).sort());
  });
});

/** A generated game's data with the official domain and grammar of the variant's release instead of the project's. */
function officialLogic(variant: GrammarVariant): ((data: GameData, where: string) => GameData) | undefined {
  if (variant === 'epo') {
    const dir = findData('alfworld', 'logic-epo');
    if (!dir) return undefined;
    const logic = readLogic(dir);
    return (data, where) => withLogic(data, logic, where);
  }
  const seen = findData('alfworld', 'json_2.1.1/valid_seen');
  if (!seen) return undefined;
  const folder = readdirSync(seen).sort()[0];
  const file = join(seen, folder, readdirSync(join(seen, folder)).sort()[0], 'game.tw-pddl');
  const game = JSON.parse(readFileSync(file, 'utf8')) as GameData;
  return (data) => {
    const sentence = /"Your task is to: ([^"]*)"/.exec(data.grammar)![1];
    return { ...data, pddl_domain: game.pddl_domain, grammar: game.grammar.replace(/Your task is to: [^"]*"/, `Your task is to: ${sentence}"`) };
  };
}

describe('the project\'s domain and grammar against the official ones', () => {
  for (const variant of ['release', 'epo'] as const) {
    const official = officialLogic(variant);
    it.skipIf(!official)(`${variant}: same admissible commands and the same text at every step of seeded random walks`, () => {
      const diffs: string[] = [];
      let steps = 0;
      generateSet(60, { seed: 8, closedShare: 0.5, grammar: variant }, (g) => {
        const mine = JSON.parse(g.text) as GameData;
        const a = gameFromData(mine, g.dir), b = gameFromData(official!(mine, g.dir), `${g.dir} (official logic)`);
        if (a.reset() !== b.reset()) diffs.push(`${g.dir}: intro`);
        const rng = createRng(g.walkthrough.length * 7919 + g.dir.length);
        for (let i = 0; i < 50 && diffs.length === 0; i++) {
          const adm = a.admissible().filter((c) => c !== 'help');
          if (JSON.stringify(adm) !== JSON.stringify(b.admissible().filter((c) => c !== 'help'))) diffs.push(`${g.dir} step ${i}: admissible commands`);
          const c = i < g.walkthrough.length && rng.next() < 0.5 ? g.walkthrough[i] : rng.pick(adm);
          const x = a.step(c), y = b.step(c);
          steps++;
          if (x.feedback !== y.feedback || x.won !== y.won) diffs.push(`${g.dir} step ${i} "${c}": ${x.feedback} | ${y.feedback}`);
        }
      });
      expect(diffs).toEqual([]);
      expect(steps).toBe(60 * 50);
    });
  }
});
