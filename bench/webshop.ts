/**
 * WebShop speed and memory on the 1k catalogue and on a generated catalogue (default 1 M products): index build
 * time (first load), cached load time, search latency p50/p95, environment steps per second, resident memory.
 * Each phase runs in a fresh process so its figures are not mixed with another phase's leftovers.
 * Usage: npm run -s bench -- webshop [--products N] [--skip-large] [--root DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createRng } from '../src/core/random.js';
import { writeCatalogue } from '../src/envs/webshop/generate.js';
import { loadWebShop, WebShopEnv, webshopTasks, type LoadOptions, type WebShopWorld } from '../src/envs/webshop/index.js';

const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
const mb = (b: number) => Math.round(b / 1e6);
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

// A full collection before reading the resident size, so the figure is the steady state, not leftover garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
// Loading is synchronous, so the peak is sampled from progress callbacks and after each phase step.
let peakRss = 0;
const sample = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };

function searchLatency(w: WebShopWorld, n = 1000): { p50: number; p95: number } {
  const rng = createRng(1);
  const goals = w.syntheticGoals;
  const queries = Array.from({ length: n }, () => {
    const g = goals.get(rng.int(goals.length));
    return rng.next() < 0.5 ? g.instruction_text.toLowerCase() : g.name!.toLowerCase();
  });
  for (const q of queries.slice(0, 50)) w.index.search(q); // warm up
  const times = queries.map((q) => { const t = performance.now(); w.index.search(q); return performance.now() - t; });
  return { p50: pct(times, 0.5), p95: pct(times, 0.95) };
}

/** A random clicking policy after a title search (every item view also computes the progress reward). */
function stepsPerSecond(w: WebShopWorld, seconds = 3): number {
  const tasks = webshopTasks(w, { split: 'synthetic', limit: 500 });
  const env = new WebShopEnv(w);
  const rng = createRng(2);
  let steps = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const task = rng.pick(tasks);
    env.reset(task);
    env.step(`search[${task.goal.name!.toLowerCase()}]`);
    steps++;
    for (let t = 0; t < 9; t++) {
      const acts = env.admissibleActions().filter((a) => a.startsWith('click['));
      if (acts.length === 0) break;
      const r = env.step(rng.pick(acts));
      steps++;
      if (r.done) break;
    }
  }
  return steps / seconds;
}

/** One phase in this (fresh) process: `build` = first load with an empty cache, `use` = cached load and use. */
async function runPhase(phase: string, opts: LoadOptions, prefix: string): Promise<Record<string, number>> {
  const f: Record<string, number> = {};
  const t = performance.now();
  if (phase === 'build') {
    await loadWebShop({ ...opts, onProgress: (m) => { sample(); process.stderr.write(`  ${m}\n`); } });
    sample();
    f[`${prefix}_load_build_s`] = +((performance.now() - t) / 1000).toFixed(2);
    f[`${prefix}_build_peak_rss_mb`] = mb(peakRss);
    return f;
  }
  const w = await loadWebShop(opts);
  f[`${prefix}_load_cached_s`] = +((performance.now() - t) / 1000).toFixed(3);
  const lat = searchLatency(w);
  f[`${prefix}_search_p50_ms`] = +lat.p50.toFixed(3);
  f[`${prefix}_search_p95_ms`] = +lat.p95.toFixed(3);
  sample();
  gc();
  f[`${prefix}_rss_after_search_mb`] = mb(process.memoryUsage().rss);
  f[`${prefix}_env_steps_per_s`] = Math.round(stepsPerSecond(w));
  sample();
  gc();
  f[`${prefix}_rss_mb`] = mb(process.memoryUsage().rss);
  f[`${prefix}_peak_rss_mb`] = mb(peakRss);
  f[`${prefix}_heap_used_mb`] = mb(process.memoryUsage().heapUsed);
  f[`${prefix}_index_mb`] = +((w.index.data.docIds.byteLength + w.index.data.tfs.byteLength + w.index.data.offsets.byteLength + w.index.data.norms.byteLength) / 1e6).toFixed(1);
  return f;
}

const phase = arg('--phase');
if (phase) {
  const cacheDir = arg('--cache')!;
  const opts: LoadOptions = arg('--catalogue') ? { catalogue: arg('--catalogue'), cacheDir } : { root: arg('--root'), cacheDir };
  console.log(JSON.stringify(await runPhase(phase, opts, arg('--prefix')!)));
  process.exit(0);
}

function child(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], 'webshop', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench phase ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

const figures: Record<string, number> = {};
const root = resolve(arg('--root') ?? join(process.cwd(), '..', 'shared', 'data', 'webshop'));
{
  const cache = mkdtempSync(join(tmpdir(), 'epo-bench-webshop-'));
  try {
    for (const p of ['build', 'use']) Object.assign(figures, child(['--phase', p, '--root', root, '--cache', cache, '--prefix', 'small']));
  } finally { rmSync(cache, { recursive: true, force: true }); }
  console.log(`1k catalogue: first load ${figures.small_load_build_s} s; in a fresh process: cached load ${figures.small_load_cached_s} s, search p50 ${figures.small_search_p50_ms} ms p95 ${figures.small_search_p95_ms} ms, ${figures.small_env_steps_per_s} env steps/s, RSS ${figures.small_rss_after_search_mb} MB after loading and 1,000 searches, ${figures.small_rss_mb} MB after the env steps too (after GC; peak ${figures.small_peak_rss_mb} MB, JS heap in use ${figures.small_heap_used_mb} MB)`);
}

if (!process.argv.includes('--skip-large')) {
  const n = Number(arg('--products') ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'epo-bench-webshop-large-'));
  try {
    const t = performance.now();
    await writeCatalogue(dir, n, 42);
    figures.large_products = n;
    figures.large_generate_s = +((performance.now() - t) / 1000).toFixed(1);
    for (const p of ['build', 'use']) Object.assign(figures, child(['--phase', p, '--catalogue', dir, '--cache', join(dir, 'cache'), '--prefix', 'large']));
    console.log(`${n} generated products: generate ${figures.large_generate_s} s; first load (stream + index + cache) ${figures.large_load_build_s} s, peak RSS ${figures.large_build_peak_rss_mb} MB; in a fresh process: cached load ${figures.large_load_cached_s} s, search p50 ${figures.large_search_p50_ms} ms p95 ${figures.large_search_p95_ms} ms, ${figures.large_env_steps_per_s} env steps/s, RSS ${figures.large_rss_after_search_mb} MB after loading and 1,000 searches, ${figures.large_rss_mb} MB after the env steps too (after GC; peak ${figures.large_peak_rss_mb} MB, JS heap in use ${figures.large_heap_used_mb} MB, index arrays ${figures.large_index_mb} MB)`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
console.log(JSON.stringify(figures));
