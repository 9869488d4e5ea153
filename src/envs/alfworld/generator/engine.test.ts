/**
 * Generated games in the project's ALFWorld engine: every file loads, every walkthrough is accepted step by step
 * and wins, and the observations have the official format.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSet, writeSet } from './write.js';

// The engine (src/envs/alfworld/load.ts) is written on another branch; until it is merged these tests skip.
const loadUrl = new URL('../load.ts', import.meta.url);
const hasEngine = existsSync(fileURLToPath(loadUrl));
if (!hasEngine) console.warn('[skip] generated games in the engine: src/envs/alfworld/load.ts is not merged yet');

interface Game { reset(): string; step(c: string): { feedback: string; valid: boolean; won: boolean } }
const tasksModule = async (): Promise<{ loadAlfworldTasks(o: { split: string }): { id: string; type: string; gamefile: string }[] }> =>
  import(new URL('../tasks.js', import.meta.url).href);
const engine = async (): Promise<{ gameFromData(d: unknown, where: string): Game }> => import(loadUrl.href.replace(/\.ts$/, '.js'));

describe.skipIf(!hasEngine)('generated games in the engine', () => {
  it('load, and every walkthrough wins on its last step (1,000 games, all six types)', async () => {
    const { gameFromData } = await engine();
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

  it('show the official observation format', async () => {
    const { gameFromData } = await engine();
    generateSet(12, { seed: 3 }, (g) => {
      const game = gameFromData(JSON.parse(g.text), g.dir);
      const intro = game.reset();
      expect(intro).toMatch(/^-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room\. Looking quickly around you, you see (a [a-z]+ \d+, )+and a [a-z]+ \d+\.\n\nYour task is to: .+\.$/);
      expect(game.step('go to nowhere 1').feedback).toBe('Nothing happens.');
      const first = game.step(g.walkthrough[0]).feedback;
      expect(first).toMatch(/^You arrive at [a-z]+ \d+\. (On the [a-z]+ \d+, you see (nothing|.+)\.|The [a-z]+ \d+ is (closed|open\. In it, you see .+)\.)$/);
    });
  });

  it('load as a task list like an official split: ids <task>/<trial>, types from the folder names', async () => {
    const { loadAlfworldTasks } = await tasksModule();
    const dir = mkdtempSync(join(tmpdir(), 'epo-gen-'));
    const summary = writeSet(dir, 30, { seed: 5 });
    const tasks = loadAlfworldTasks({ split: dir });
    expect(tasks.map((t) => `${t.id}/game.tw-pddl`).sort()).toEqual(summary.games.map((g) => g.path).sort());
    for (const t of tasks) expect(summary.games.find((g) => g.path.startsWith(t.id))!.type).toBe(t.type);
  });
});
