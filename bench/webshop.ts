/**
 * WebShop speed and memory: search latency (p50/p95) and environment steps per second on the 1k catalogue and on a
 * generated catalogue (default 1 M products), index build and cached-load times, resident memory.
 * Usage: npm run -s bench -- webshop [--products N] [--skip-large] [--root DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRng } from '../src/core/random.js';
import { writeCatalogue } from '../src/envs/webshop/generate.js';
import { loadWebShop, WebShopEnv, webshopTasks, type WebShopWorld } from '../src/envs/webshop/index.js';

const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
const largeN = Number(arg('--products') ?? 1_000_000);
const skipLarge = process.argv.includes('--skip-large');
const root = resolve(arg('--root') ?? join(process.cwd(), '..', 'shared', 'data', 'webshop'));

// A full collection before reading the resident size, so the figure is the steady state, not leftover garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
let peakRss = 0;
const sample = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };
const timer = setInterval(sample, 50);
const mb = (b: number) => Math.round(b / 1e6);
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

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

const figures: Record<string, number> = {};

// 1k catalogue: first load builds the index, the second loads it from the cache.
{
  const cache = mkdtempSync(join(tmpdir(), 'epo-bench-webshop-'));
  let t = performance.now();
  await loadWebShop({ root, cacheDir: cache }); // builds and caches the index; dropped at once
  figures.small_load_build_ms = Math.round(performance.now() - t);
  gc();
  t = performance.now();
  const w = await loadWebShop({ root, cacheDir: cache });
  figures.small_load_cached_ms = Math.round(performance.now() - t);
  const lat = searchLatency(w);
  figures.small_search_p50_ms = +lat.p50.toFixed(3);
  figures.small_search_p95_ms = +lat.p95.toFixed(3);
  figures.small_env_steps_per_s = Math.round(stepsPerSecond(w));
  sample();
  figures.small_peak_rss_mb = mb(peakRss);
  gc();
  figures.small_rss_mb = mb(process.memoryUsage().rss);
  figures.small_heap_used_mb = mb(process.memoryUsage().heapUsed);
  console.log(`1k catalogue: load+build ${figures.small_load_build_ms} ms, cached load ${figures.small_load_cached_ms} ms, search p50 ${figures.small_search_p50_ms} ms p95 ${figures.small_search_p95_ms} ms, ${figures.small_env_steps_per_s} env steps/s, RSS ${figures.small_rss_mb} MB after GC (peak ${figures.small_peak_rss_mb} MB, JS heap in use ${figures.small_heap_used_mb} MB)`);
  rmSync(cache, { recursive: true, force: true });
}

if (!skipLarge) {
  const dir = mkdtempSync(join(tmpdir(), 'epo-bench-webshop-large-'));
  try {
    let t = performance.now();
    await writeCatalogue(dir, largeN, 42);
    figures.large_generate_s = +((performance.now() - t) / 1000).toFixed(1);
    peakRss = 0;
    t = performance.now();
    let w: WebShopWorld | undefined = await loadWebShop({ catalogue: dir, cacheDir: join(dir, 'cache'), onProgress: (m) => { sample(); process.stderr.write(`  ${m}\n`); } });
    sample();
    figures.large_load_build_s = +((performance.now() - t) / 1000).toFixed(1);
    figures.large_build_peak_rss_mb = mb(peakRss);
    w = undefined;
    gc();
    t = performance.now();
    w = await loadWebShop({ catalogue: dir, cacheDir: join(dir, 'cache') });
    figures.large_load_cached_s = +((performance.now() - t) / 1000).toFixed(1);
    const lat = searchLatency(w);
    figures.large_search_p50_ms = +lat.p50.toFixed(2);
    figures.large_search_p95_ms = +lat.p95.toFixed(2);
    figures.large_env_steps_per_s = Math.round(stepsPerSecond(w));
    sample();
    figures.large_products = largeN;
    gc();
    figures.large_rss_mb = mb(process.memoryUsage().rss);
    figures.large_heap_used_mb = mb(process.memoryUsage().heapUsed);
    figures.large_index_mb = mb(w.index.data.docIds.byteLength + w.index.data.tfs.byteLength + w.index.data.offsets.byteLength + w.index.data.norms.byteLength);
    figures.large_peak_rss_mb = mb(peakRss);
    console.log(`${largeN} generated products: generate ${figures.large_generate_s} s, load+build ${figures.large_load_build_s} s (peak RSS ${figures.large_build_peak_rss_mb} MB), cached load ${figures.large_load_cached_s} s, search p50 ${figures.large_search_p50_ms} ms p95 ${figures.large_search_p95_ms} ms, ${figures.large_env_steps_per_s} env steps/s, RSS ${figures.large_rss_mb} MB (peak ${figures.large_peak_rss_mb} MB, JS heap in use ${figures.large_heap_used_mb} MB, index arrays ${figures.large_index_mb} MB)`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
clearInterval(timer);
console.log(JSON.stringify(figures));
