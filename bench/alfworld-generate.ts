/**
 * Speed of the ALFWorld task generator: 1,000 games generated in memory (scene, task, plan, file text), then
 * written to disk, loaded and replayed in the engine.
 *   npm run -s bench -- alfworld-generate [count]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gameFromData } from '../src/envs/alfworld/load.js';
import { ROOM_TYPES, generateSet, loadStats, writeSet } from '../src/envs/alfworld/generator/index.js';
import { histogramMean } from '../src/envs/alfworld/generator/stats.js';

const count = Number(process.argv[2] ?? 1000);
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

const runs: number[] = [];
let steps = 0;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const s = generateSet(count, { seed: i });
  runs.push((performance.now() - t0) / 1000);
  steps = s.games.reduce((a, g) => a + g.steps, 0) / count;
}
const dir = mkdtempSync(join(tmpdir(), 'epo-gen-bench-'));
const w0 = performance.now(), c0 = cpu();
writeSet(dir, count, { seed: 0 });
const writeS = (performance.now() - w0) / 1000, writeCpu = cpu() - c0;
rmSync(dir, { recursive: true, force: true });

const r0 = performance.now();
let won = 0;
generateSet(count, { seed: 0 }, (g) => {
  const game = gameFromData(JSON.parse(g.text), g.dir);
  game.reset();
  let last = false;
  for (const c of g.walkthrough) last = game.step(c).won;
  if (last) won++;
});
const replayS = (performance.now() - r0) / 1000;
console.log(`engine: generated, loaded and replayed ${count} games in ${replayS.toFixed(2)} s; walkthroughs won ${won}/${count}`);

// Realism: receptacles and objects per game by room type, generated (seed 0) vs the measured official games.
const stats = loadStats();
const per: Record<string, { n: number; r: number; o: number }> = {};
generateSet(count, { seed: 0 }, (g) => {
  const p = (per[g.task.room] ??= { n: 0, r: 0, o: 0 });
  p.n++; p.r += g.scene.receptacles.length; p.o += g.scene.objects.length;
});
const sumMeans = (h: Record<string, number[]>): number => Object.values(h).reduce((a, x) => a + histogramMean(x), 0);
for (const room of ROOM_TYPES) {
  const p = per[room];
  if (!p) continue;
  const rs = stats.rooms[room];
  console.log(`${room.padEnd(10)} receptacles/game ${(p.r / p.n).toFixed(1)} (official ${sumMeans(rs.receptacles).toFixed(1)}), objects/game ${(p.o / p.n).toFixed(1)} (official ${sumMeans(rs.objects).toFixed(1)})`);
}

const best = Math.min(...runs);
console.log(`generate ${count} games in memory: ${runs.map((r) => r.toFixed(2)).join(' / ')} s (best ${(count / best).toFixed(0)} games/s), mean walkthrough ${steps.toFixed(2)} steps`);
console.log(`generate and write ${count} games: ${writeS.toFixed(2)} s wall, ${writeCpu.toFixed(2)} s CPU`);
console.log(JSON.stringify({ games: count, generate_first_s: +runs[0].toFixed(3), generate_best_s: +best.toFixed(3), games_per_s: Math.round(count / best), generate_write_s: +writeS.toFixed(3), generate_write_cpu_s: +writeCpu.toFixed(3), replay_s: +replayS.toFixed(3), walkthroughs_won: won, walkthrough_mean_steps: +steps.toFixed(2) }));
