/**
 * SOTOPIA orchestration speed with scripted participants (no model latency): full 20-turn episodes with strategists
 * on both seats and the evaluator, on the built-in tasks (or the installed data with `--data DIR`), then the
 * aggregation of the report. Measures the framework's own cost per episode, not a model's.
 */
import { scriptedSotopiaModel } from '../src/agents/sotopia/scripted.js';
import { builtinSotopia, loadSotopia } from '../src/envs/sotopia/data.js';
import { aggregateSotopia } from '../src/eval/sotopia.js';
import { runSotopiaEpisode } from '../src/rollout/sotopia.js';
import type { Episode } from '../src/core/episode.js';

const dataArg = process.argv.indexOf('--data');
const data = dataArg > 0 ? loadSotopia(process.argv[dataArg + 1]) : builtinSotopia();
const episodes = Number(process.env.BENCH_EPISODES ?? 200);
const model = scriptedSotopiaModel({ goal: 7 });
const out: Episode[] = [];
const mem0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
for (let i = 0; i < episodes; i++) {
  const combo = data.combos[i % data.combos.length];
  const chars = [data.characters.get(combo.characterIds[0])!, data.characters.get(combo.characterIds[1])!] as const;
  out.push(await runSotopiaEpisode({
    id: `${combo.id}#${i}`, taskId: combo.id, trial: i, seed: i, run: 'bench', combo, scenario: data.scenarios.get(combo.scenarioId)!,
    characters: [chars[0], chars[1]], seats: [{ actor: model, strategist: model }, { actor: model, strategist: model }], evaluator: model,
    testSeats: [0, 1], models: {}, codeVersion: 'bench',
  }));
}
const ms = performance.now() - t0;
const turns = out.reduce((a, e) => a + e.turns.length, 0);
const calls = turns * 2 + out.length;
const t1 = performance.now();
const report = aggregateSotopia(out, data.hard, true);
const aggMs = performance.now() - t1;
const bytes = out.reduce((a, e) => a + JSON.stringify(e).length, 0) / out.length;
const heapMb = (process.memoryUsage().heapUsed - mem0) / 1e6;

console.log(`data: ${data.version}, ${episodes} episodes × ${turns / episodes} turns (strategist + actor per turn, judge per episode)`);
console.log(`episode loop: ${(ms / episodes).toFixed(2)} ms/episode, ${(episodes / (ms / 1000)).toFixed(0)} episodes/s, ${(calls / (ms / 1000)).toFixed(0)} model calls/s`);
console.log(`aggregation of ${episodes} episodes: ${aggMs.toFixed(1)} ms (goal ${report.tested.all.metrics.goal.mean.toFixed(2)})`);
console.log(`stored episode size: ${(bytes / 1024).toFixed(1)} KiB; heap growth ${heapMb.toFixed(1)} MB`);
console.log(JSON.stringify({ episodes, ms_per_episode: +(ms / episodes).toFixed(3), episodes_per_s: +(episodes / (ms / 1000)).toFixed(1), model_calls_per_s: Math.round(calls / (ms / 1000)), aggregate_ms: +aggMs.toFixed(2), episode_kib: +(bytes / 1024).toFixed(2), heap_growth_mb: +heapMb.toFixed(1) }));
