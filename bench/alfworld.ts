/**
 * ALFWorld engine speed on valid_unseen: game load time, steps per second with random admissible commands (the
 * admissible list is computed every step), and steps per second replaying walkthroughs (reset included). Steps are
 * measured with the per-state cache of admissible commands on (default) and off.
 *   npm run -s bench -- alfworld [--steps 40] [--episodes 10] [--rounds 3]
 */
import { readGameData, gameFromData } from '../src/envs/alfworld/load.js';
import { AlfworldGame } from '../src/envs/alfworld/game.js';
import { loadAlfworldTasks } from '../src/envs/alfworld/tasks.js';
import { createRng } from '../src/core/random.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataDir } from '../src/data/dir.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const STEPS = arg('steps', 40);
const EPISODES = arg('episodes', 10);
const ROUNDS = arg('rounds', 3);

const installed = join(dataDir(), 'alfworld');
const shared = resolve(process.cwd(), '..', 'shared', 'data', 'alfworld');
const root = existsSync(join(installed, 'json_2.1.1')) ? dataDir() : existsSync(join(shared, 'json_2.1.1')) ? resolve(shared, '..') : undefined;
if (!root) {
  console.error('ALFWorld data not found: run `npm run -s epo -- data install alfworld --from <folder>`');
  process.exit(2);
}
const tasks = loadAlfworldTasks({ split: 'valid_unseen', root });
const datas = tasks.map((t) => ({ file: t.gamefile, data: readGameData(t.gamefile) }));

/** CPU seconds of this process: the machine may be shared, and wall time would count other processes' turns. */
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// Load time: file read + JSON + parse + build + reset, per game, in CPU time (shared domain/grammar parses are
// cached after the first game). Five passes: the first four warm the JIT; the last is reported.
let firstLoad = 0;
const loadMs: number[] = [];
for (let pass = 0; pass < 5; pass++) {
  loadMs.length = 0;
  for (const t of tasks) {
    const t0 = cpu();
    gameFromData(readGameData(t.gamefile), t.gamefile).reset();
    const ms = (cpu() - t0) * 1000;
    if (pass === 0 && !firstLoad) firstLoad = ms;
    loadMs.push(ms);
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const steady = loadMs.slice().sort((a, b) => a - b);

/**
 * Steps per CPU-second, played game by game as a rollout worker would: each game is loaded (not timed), then plays
 * `EPISODES` episodes of `STEPS` random admissible commands, then replays its walkthrough `EPISODES` times.
 */
function measure(cache: boolean): { random: number; walk: number } {
  AlfworldGame.STATE_CACHE_SIZE = cache ? 1024 : 0;
  let best = { random: 0, walk: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const rng = createRng(round + 1);
    let rs = 0, rt = 0, ws = 0, wt = 0;
    for (const d of datas) {
      const game = gameFromData(d.data, d.file);
      const walk = d.data.walkthrough ?? [];
      let t0 = cpu();
      for (let e = 0; e < EPISODES; e++) {
        game.reset();
        for (let i = 0; i < STEPS; i++) {
          const adm = game.admissible();
          game.step(adm[rng.int(adm.length)]);
          rs++;
        }
      }
      rt += cpu() - t0;
      t0 = cpu();
      for (let e = 0; e < EPISODES; e++) {
        game.reset();
        for (const c of walk) { game.step(c); ws++; }
      }
      wt += cpu() - t0;
    }
    best = { random: Math.max(best.random, rs / rt), walk: Math.max(best.walk, ws / wt) };
  }
  return best;
}

const warm = measure(true);
const cold = measure(false);
AlfworldGame.STATE_CACHE_SIZE = 1024;

console.log(`ALFWorld engine, valid_unseen (${tasks.length} games), one core, CPU time`);
console.log(`  load a game:        mean ${mean(steady).toFixed(2)} ms, p95 ${steady[Math.floor(steady.length * 0.95)].toFixed(2)} ms (first game of a cold process, parsing the shared domain and grammar: ${firstLoad.toFixed(1)} ms)`);
console.log(`  random admissible:  ${Math.round(warm.random).toLocaleString('en-US')} steps/s (${EPISODES} episodes of ${STEPS} steps per game; state cache off: ${Math.round(cold.random).toLocaleString('en-US')})`);
console.log(`  walkthroughs:       ${Math.round(warm.walk).toLocaleString('en-US')} steps/s incl. resets (${EPISODES} replays per game; state cache off: ${Math.round(cold.walk).toLocaleString('en-US')})`);
console.log(JSON.stringify({
  games: tasks.length,
  load_mean_ms: Number(mean(steady).toFixed(3)),
  load_p95_ms: Number(steady[Math.floor(steady.length * 0.95)].toFixed(3)),
  random_steps_per_s: Math.round(warm.random),
  random_steps_per_s_nocache: Math.round(cold.random),
  walkthrough_steps_per_s: Math.round(warm.walk),
  walkthrough_steps_per_s_nocache: Math.round(cold.walk),
}));
