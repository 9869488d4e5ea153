/**
 * Measure the household statistics from the official ALFWorld games and write them as the project's own table:
 *   npx tsx scripts/measure-alfworld-stats.ts [DATA_DIR] [OUT]
 * DATA_DIR defaults to ../shared/data/alfworld/json_2.1.1; OUT to src/envs/alfworld/generator/stats-table.ts.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { measureStats, type OfficialGame } from '../src/envs/alfworld/generator/measure.js';
import { formatTable } from '../src/envs/alfworld/generator/format-table.js';

const dataDir = resolve(process.argv[2] ?? '../shared/data/alfworld/json_2.1.1');
const out = resolve(process.argv[3] ?? 'src/envs/alfworld/generator/stats-table.ts');

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : name === 'game.tw-pddl' ? [p] : [];
  });
}

const games: OfficialGame[] = walk(dataDir).map((p) => ({
  path: relative(dataDir, p),
  problem: (JSON.parse(readFileSync(p, 'utf8')) as { pddl_problem: string }).pddl_problem,
}));
const stats = measureStats(games, `measured from ${games.length} official ALFWorld games (json_2.1.1) by scripts/measure-alfworld-stats.ts`);
writeFileSync(out, formatTable(stats));
console.log(`wrote ${out}: ${games.length} games, rooms ${Object.entries(stats.rooms).map(([r, s]) => `${r}=${s.games}`).join(' ')}`);
