/**
 * The built-in model against PyTorch on the same Llama shapes and workload as `bench -- model` (training: forward +
 * cross-entropy + backward + clipping + AdamW; generation: 32-token prompts, KV cache, sampling), each size and each
 * side in a process of its own so peak RSS compares. PyTorch runs when a Python with torch is found
 * (EPO_TORCH_PYTHON, else /usr/bin/python3, else python3 on PATH); otherwise the bench says why and shows epo alone.
 *   npm run -s bench -- model-vs-torch [--quick] [--sizes micro,tiny,small] [--threads 1|2|best]
 * --threads best (default) runs PyTorch at 1 and 2 threads and keeps the faster per workload, and epo at 2
 * (EPO_THREADS). Figures depend on the machine's load: the load average is printed at the start and the end.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bestOf, blasWarning, formatTable, lastJsonLine, parseArgs, pickPython, pythonCandidates, type ProbeResult, ratio, type Row,
  type SideFigures, targetChecks, threadPlan, torchSpec,
} from './model/compare.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'model');
const args = parseArgs(process.argv.slice(2));
const plan = threadPlan(args.threads);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

function probe(cmd: string): ProbeResult {
  const r = spawnSync(cmd, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { ok: false, why: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message };
  if (r.status !== 0) return { ok: false, why: r.stderr.trim().split('\n').pop() ?? `exit ${r.status}` };
  return { ok: true, version: r.stdout.trim() };
}

/** Run one child to completion; its last JSON line is its figures (stderr passes through). */
function child(label: string, cmd: string, argv: string[], env: NodeJS.ProcessEnv): SideFigures | undefined {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env, maxBuffer: 1 << 24 });
  const out = r.status === 0 ? lastJsonLine(r.stdout) : undefined;
  if (!out) console.error(`${label}: failed (${r.error?.message ?? `exit ${r.status}`}); its row is left out`);
  return out as SideFigures | undefined;
}

const loadStart = load();
const found = pickPython(pythonCandidates(process.env), probe);
console.log(`load average at start ${loadStart} (1, 5, 15 min); epo threads ${plan.epo} (EPO_THREADS)`);
if ('skip' in found) console.log(`PyTorch side skipped: ${found.skip}`);
else console.log(`PyTorch ${found.torch} from ${found.python}, threads ${plan.torch.join(' and ')}`);

const rows: Row[] = [];
const warned = new Set<string>();
for (const size of args.sizes) {
  const epo = child(`epo ${size}`, process.execPath, ['--import', 'tsx', join(dir, 'side.ts'), '--size', size, ...(args.quick ? ['--quick'] : [])], { ...process.env, EPO_THREADS: String(plan.epo) });
  if (!epo) continue;
  const runs: SideFigures[] = [];
  if (!('skip' in found)) {
    for (const threads of plan.torch) {
      const t = child(`torch ${size} ${threads} thread(s)`, found.python, [join(dir, 'torch_llama.py'), JSON.stringify(torchSpec(size, threads, args.quick))], process.env);
      if (!t) continue;
      runs.push(t);
      console.log(`${size}: torch at ${t.threads} thread(s): train ${t.train_tokens_per_s.toFixed(0)} tok/s, gen b=1 ${t.gen_b1_tokens_per_s.toFixed(1)}, b=32 ${t.gen_b32_tokens_per_s.toFixed(1)}, train RSS ${t.train_rss_MiB} MiB, matmul ${t.matmul_gflops} GFLOP/s`);
      const w = blasWarning(t);
      if (w && !warned.has(w)) { warned.add(w); console.warn(`warning: ${w}`); }
    }
  }
  const row: Row = { size, epo, torch: runs.length ? bestOf(runs) : undefined };
  rows.push(row);
  const t = row.torch;
  console.log(`${size}: epo train ${epo.train_tokens_per_s.toFixed(0)} tok/s, gen b=1 ${epo.gen_b1_tokens_per_s.toFixed(1)}, b=32 ${epo.gen_b32_tokens_per_s.toFixed(1)}, train RSS ${epo.train_rss_MiB} MiB`
    + (t ? ` | torch train ${t.train_tokens_per_s.toFixed(0)} (${t.train_threads}t), gen b=1 ${t.gen_b1_tokens_per_s.toFixed(1)} (${t.gen_b1_threads}t), b=32 ${t.gen_b32_tokens_per_s.toFixed(1)} (${t.gen_b32_threads}t), train RSS ${t.train_rss_MiB} MiB` : ''));
}

const loadEnd = load();
console.log('');
console.log(formatTable(rows));
for (const c of targetChecks(rows)) console.log(`target ${c.what}: ${c.value} ${c.met ? 'met' : 'NOT met'}`);
const blas = rows.find((r) => r.torch)?.torch;
if (blas) console.log(`PyTorch ${blas.torch}, BLAS ${blas.blas}, 1024x1024 matmul ${blas.matmul_gflops} GFLOP/s at ${blas.threads} thread(s), OMP_WAIT_POLICY ${blas.omp_wait_policy ?? 'unset'}`);
console.log(`load average at end ${loadEnd}`);

const figures: Record<string, number | string | boolean> = {
  load_start: loadStart, load_end: loadEnd, epo_threads: plan.epo, torch_threads: plan.torch.join(','), quick: args.quick,
  torch: 'skip' in found ? 'skipped' : found.torch, ...(blas ? { blas: blas.blas ?? '', matmul_gflops: blas.matmul_gflops ?? 0 } : {}),
};
for (const { size, epo, torch } of rows) {
  Object.assign(figures, {
    [`${size}_train_epo`]: Math.round(epo.train_tokens_per_s),
    [`${size}_gen_b1_epo`]: Number(epo.gen_b1_tokens_per_s.toFixed(1)),
    [`${size}_gen_b32_epo`]: Number(epo.gen_b32_tokens_per_s.toFixed(1)),
    [`${size}_train_rss_MiB_epo`]: epo.train_rss_MiB,
  });
  if (torch) {
    Object.assign(figures, {
      [`${size}_train_torch`]: Math.round(torch.train_tokens_per_s), [`${size}_train_torch_threads`]: torch.train_threads,
      [`${size}_gen_b1_torch`]: Number(torch.gen_b1_tokens_per_s.toFixed(1)),
      [`${size}_gen_b32_torch`]: Number(torch.gen_b32_tokens_per_s.toFixed(1)), [`${size}_gen_b32_torch_threads`]: torch.gen_b32_threads,
      [`${size}_train_rss_MiB_torch`]: torch.train_rss_MiB,
      [`${size}_train_ratio`]: ratio(epo.train_tokens_per_s, torch.train_tokens_per_s) ?? 0,
      [`${size}_gen_b32_ratio`]: ratio(epo.gen_b32_tokens_per_s, torch.gen_b32_tokens_per_s) ?? 0,
    });
  }
}
console.log(JSON.stringify(figures));
