/**
 * Viewer page times: a generated 10,000-episode ALFWorld-shaped run (1,000 tasks × 10 trials, 3–6 strategist turns,
 * judge labels) plus a second run of the same tasks to compare, written through RunStore; `epo view` started on them;
 * each page kind requested several times over HTTP (after one warm-up), p50 and p99 printed.
 * Usage: npm run -s bench -- view [tasks] [trials] [requests]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startView } from '../src/view/server.js';
import { writeAlfRun } from '../test/helpers/view-runs.js';

const tasks = Number(process.argv[2] ?? 1000), trials = Number(process.argv[3] ?? 10), requests = Number(process.argv[4] ?? 20);
const root = mkdtempSync(join(tmpdir(), 'epo-bench-view-'));
const t0 = performance.now();
writeAlfRun(root, 'big', { tasks, trials, skill: 0.55 });
writeAlfRun(root, 'big-b', { tasks, trials, skill: 0.7 });
const genSeconds = (performance.now() - t0) / 1000;
const server = await startView({ root });

const pages: Record<string, string> = {
  'runs list': '/',
  'run page': '/run?run=big',
  'episodes (page 1)': '/episodes?run=big',
  'episodes (page 150)': '/episodes?run=big&page=150',
  'episodes: failures of one type': '/episodes?run=big&success=0&type=pick_heat_then_place_in_recep&page=3',
  'episodes: text search': '/episodes?run=big&q=mug%207',
  'episodes: weight range': '/episodes?run=big&wmin=0.9&wmax=1',
  'episode': `/episode?run=big&id=${encodeURIComponent('alf-00421#7')}`,
  'compare (2 runs)': '/compare?runs=big,big-b',
  'compare (one task side by side)': '/compare?runs=big,big-b&task=alf-00421',
};

const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]; };
const results: Record<string, { p50: number; p99: number; max: number; bytes: number }> = {};
try {
  for (const [name, path] of Object.entries(pages)) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i <= requests; i++) {
      const s = performance.now();
      const r = await fetch(server.url + path);
      const body = await r.text();
      if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}: ${body.slice(0, 300)}`);
      if (i > 0) times.push(performance.now() - s); // the first request opens the store
      bytes = body.length;
    }
    results[name] = { p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: Math.max(...times), bytes };
  }
} finally {
  await server.close();
  rmSync(root, { recursive: true, force: true });
}
console.log(`view bench: ${tasks * trials} episodes per run (2 runs) generated in ${genSeconds.toFixed(1)} s; ${requests} requests per page after one warm-up`);
for (const [name, r] of Object.entries(results)) console.log(`${name.padEnd(34)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  ${(r.bytes / 1024).toFixed(0)} KiB`);
console.log(JSON.stringify({ bench: 'view', episodes: tasks * trials, requests, results }));
