/**
 * The pure parts of `bench -- model-vs-torch`: flags, which Python to use, thread plans, picking PyTorch's best
 * thread count, ratios, the table and the targets. No processes, no clocks: the bench file does those.
 */
import { EpoError } from '../../src/core/errors.js';
import { makeConfig, type ModelSize, SIZES } from '../../src/model/config.js';
import { genTokens, trainShape, VOCAB } from './speed.js';

export type ThreadMode = '1' | '2' | 'best';

export interface BenchArgs { quick: boolean; sizes: ModelSize[]; threads: ThreadMode }

export function parseArgs(argv: readonly string[]): BenchArgs {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new EpoError('BAD_INPUT', `${flag} needs a value`, { where: flag });
    return v;
  };
  const sizes = (value('--sizes') ?? 'micro,tiny,small').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of sizes) {
    if (!(s in SIZES)) throw new EpoError('BAD_INPUT', `unknown size "${s}"; use a comma-separated list of ${Object.keys(SIZES).join(', ')}`, { where: '--sizes' });
  }
  const threads = value('--threads') ?? 'best';
  if (threads !== '1' && threads !== '2' && threads !== 'best') throw new EpoError('BAD_INPUT', `--threads must be 1, 2 or best, got "${threads}"`, { where: '--threads' });
  return { quick: argv.includes('--quick'), sizes: sizes as ModelSize[], threads };
}

/** Thread counts to run PyTorch at, and the count epo is given: "best" tries PyTorch at 1 and 2 and lets epo use 2. */
export function threadPlan(mode: ThreadMode): { torch: number[]; epo: number } {
  return mode === 'best' ? { torch: [1, 2], epo: 2 } : { torch: [Number(mode)], epo: Number(mode) };
}

export interface PythonCandidate { cmd: string; from: string }
export type ProbeResult = { ok: true; version: string } | { ok: false; why: string };

/** EPO_TORCH_PYTHON alone when set (an explicit choice is not second-guessed); else Debian's, then PATH's python3. */
export function pythonCandidates(env: Record<string, string | undefined>): PythonCandidate[] {
  if (env.EPO_TORCH_PYTHON) return [{ cmd: env.EPO_TORCH_PYTHON, from: 'EPO_TORCH_PYTHON' }];
  return [{ cmd: '/usr/bin/python3', from: "Debian's python" }, { cmd: 'python3', from: 'PATH' }];
}

/** The first candidate that imports torch, or why the PyTorch side is skipped (every candidate's failure). */
export function pickPython(cands: readonly PythonCandidate[], probe: (cmd: string) => ProbeResult): { python: string; torch: string } | { skip: string } {
  const failures: string[] = [];
  for (const c of cands) {
    const r = probe(c.cmd);
    if (r.ok) return { python: c.cmd, torch: r.version };
    failures.push(`${c.cmd} (${c.from}): ${r.why}`);
  }
  return { skip: `no Python with torch found (${failures.join('; ')}); install Debian's python3-torch and libopenblas0-pthread, or set EPO_TORCH_PYTHON to a python that has torch` };
}

/** What one side measured for one size, as its child process prints it. */
export interface SideFigures {
  side: 'epo' | 'torch';
  size: string;
  threads: number | string;
  train_tokens_per_s: number;
  gen_b1_tokens_per_s: number;
  gen_b32_tokens_per_s: number;
  train_rss_MiB: number;
  peak_rss_MiB: number;
  torch?: string;
  blas?: string;
  matmul_gflops?: number;
  omp_wait_policy?: string;
  backend?: string;
}

/** PyTorch at its best thread count per workload; the training run's RSS goes with the training figure. */
export interface BestTorch extends SideFigures { train_threads: number; gen_b1_threads: number; gen_b32_threads: number }

export function bestOf(runs: readonly SideFigures[]): BestTorch {
  if (runs.length === 0) throw new EpoError('BAD_INPUT', 'no PyTorch runs to choose from', { where: 'bestOf' });
  const top = (k: 'train_tokens_per_s' | 'gen_b1_tokens_per_s' | 'gen_b32_tokens_per_s') => runs.reduce((a, b) => (b[k] > a[k] ? b : a));
  const train = top('train_tokens_per_s'), g1 = top('gen_b1_tokens_per_s'), g32 = top('gen_b32_tokens_per_s');
  return {
    ...train, gen_b1_tokens_per_s: g1.gen_b1_tokens_per_s, gen_b32_tokens_per_s: g32.gen_b32_tokens_per_s,
    train_threads: Number(train.threads), gen_b1_threads: Number(g1.threads), gen_b32_threads: Number(g32.threads),
  };
}

/** epo's figure as a multiple of PyTorch's, two decimals. */
export const ratio = (epo: number, torch: number | undefined): number | undefined => (torch && torch > 0 ? Math.round((epo / torch) * 100) / 100 : undefined);

const num = (x: number | undefined, digits = 0) => (x === undefined ? '-' : x.toFixed(digits));
const times = (r: number | undefined) => (r === undefined ? '-' : `${r.toFixed(2)}x`);

export interface Row { size: string; epo: SideFigures; torch?: BestTorch }

/** The side-by-side table: one line per size, columns padded to line up. */
export function formatTable(rows: readonly Row[]): string {
  const thr = (t: BestTorch | undefined, k: 'train_threads' | 'gen_b32_threads') => (t ? ` (${t[k]}t)` : '');
  const lines = [['size', 'train tok/s epo / torch', 'ratio', 'gen b=32 tok/s epo / torch', 'ratio', 'train RSS MiB epo / torch']];
  for (const { size, epo, torch } of rows) {
    lines.push([
      size,
      `${num(epo.train_tokens_per_s)} / ${num(torch?.train_tokens_per_s)}${thr(torch, 'train_threads')}`,
      times(ratio(epo.train_tokens_per_s, torch?.train_tokens_per_s)),
      `${num(epo.gen_b32_tokens_per_s)} / ${num(torch?.gen_b32_tokens_per_s)}${thr(torch, 'gen_b32_threads')}`,
      times(ratio(epo.gen_b32_tokens_per_s, torch?.gen_b32_tokens_per_s)),
      `${num(epo.train_rss_MiB)} / ${num(torch?.train_rss_MiB)}`,
    ]);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c])).join(' | ').trimEnd()).join('\n');
}

/** Issue 20's targets: training >= 0.5x PyTorch (tiny, small), generation at batch 32 >= 0.6x, small's training RSS <= 1 GiB. */
export function targetChecks(rows: readonly Row[]): { what: string; value: string; met: boolean }[] {
  const out: { what: string; value: string; met: boolean }[] = [];
  for (const { size, epo, torch } of rows) {
    const tr = ratio(epo.train_tokens_per_s, torch?.train_tokens_per_s);
    const gr = ratio(epo.gen_b32_tokens_per_s, torch?.gen_b32_tokens_per_s);
    if ((size === 'tiny' || size === 'small') && tr !== undefined) out.push({ what: `${size} training >= 0.5x`, value: times(tr), met: tr >= 0.5 });
    if (gr !== undefined) out.push({ what: `${size} generation b=32 >= 0.6x`, value: times(gr), met: gr >= 0.6 });
    if (size === 'small') out.push({ what: 'small training RSS <= 1024 MiB', value: `${epo.train_rss_MiB} MiB`, met: epo.train_rss_MiB <= 1024 });
  }
  return out;
}

/** A warning when PyTorch's matmul is as slow as the reference BLAS (Debian's torch without OpenBLAS installed). */
export function blasWarning(t: Pick<SideFigures, 'matmul_gflops' | 'blas' | 'threads'>): string | undefined {
  if (t.matmul_gflops === undefined || t.matmul_gflops >= 20) return undefined;
  return `PyTorch's 1024x1024 matmul runs at ${t.matmul_gflops} GFLOP/s on ${t.threads} thread(s) (BLAS: ${t.blas ?? 'unknown'}): that is the reference BLAS; install libopenblas0-pthread, or its figures are ~20x too low`;
}

/** The last line of a child's output that is a JSON object (children may log before it). */
export function lastJsonLine(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{')).reverse();
  for (const l of lines) {
    try { return JSON.parse(l) as Record<string, unknown>; } catch { /* a log line that merely starts with "{" */ }
  }
  return undefined;
}

/** The JSON argument of bench/model/torch_llama.py: the same shapes as SIZES and the same workload as bench -- model. */
export function torchSpec(size: ModelSize, threads: number, quick: boolean): Record<string, number | string> {
  const c = makeConfig({ vocab_size: VOCAB[size], ...SIZES[size] });
  const { batch, seqLen, steps } = trainShape(size, quick);
  const gen = genTokens(quick);
  return {
    size, threads, vocab_size: c.vocab_size, hidden_size: c.hidden_size, intermediate_size: c.intermediate_size,
    num_hidden_layers: c.num_hidden_layers, num_attention_heads: c.num_attention_heads, num_key_value_heads: c.num_key_value_heads,
    rms_norm_eps: c.rms_norm_eps, rope_theta: c.rope_theta, initializer_range: c.initializer_range,
    batch, seq_len: seqLen, steps, gen_b1_tokens: gen.b1, gen_b32_tokens: gen.b32,
  };
}
