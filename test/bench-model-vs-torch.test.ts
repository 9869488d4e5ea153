import { describe, expect, it } from 'vitest';
import {
  bestOf, blasWarning, formatTable, lastJsonLine, parseArgs, pickPython, pythonCandidates, ratio, type SideFigures,
  targetChecks, threadPlan, torchSpec,
} from '../bench/model/compare.js';
import { EpoError } from '../src/core/errors.js';

const fig = (side: 'epo' | 'torch', threads: number, train: number, g1: number, g32: number, rss: number): SideFigures => ({
  side, size: 'tiny', threads, train_tokens_per_s: train, gen_b1_tokens_per_s: g1, gen_b32_tokens_per_s: g32, train_rss_MiB: rss, peak_rss_MiB: rss + 10,
});

describe('bench model-vs-torch: flags and threads', () => {
  it('defaults to every size, best threads, full run', () => {
    expect(parseArgs([])).toEqual({ quick: false, sizes: ['micro', 'tiny', 'small'], threads: 'best' });
    expect(parseArgs(['--quick', '--sizes', 'tiny,small', '--threads', '1'])).toEqual({ quick: true, sizes: ['tiny', 'small'], threads: '1' });
  });
  it('names the flag that is wrong', () => {
    const err = (argv: string[]) => { try { parseArgs(argv); } catch (e) { return e as EpoError; } throw new Error('no error'); };
    expect(err(['--sizes', 'tiny,huge'])).toMatchObject({ code: 'BAD_INPUT', where: '--sizes' });
    expect(err(['--sizes', 'tiny,huge']).message).toContain('"huge"');
    expect(err(['--threads', '4'])).toMatchObject({ code: 'BAD_INPUT', where: '--threads' });
    expect(err(['--threads', '--quick'])).toMatchObject({ where: '--threads' });
  });
  it('best runs PyTorch at 1 and 2 threads and gives epo 2; a number gives both the same', () => {
    expect(threadPlan('best')).toEqual({ torch: [1, 2], epo: 2 });
    expect(threadPlan('1')).toEqual({ torch: [1], epo: 1 });
    expect(threadPlan('2')).toEqual({ torch: [2], epo: 2 });
  });
});

describe('bench model-vs-torch: which python', () => {
  it("tries Debian's python before PATH's, or only EPO_TORCH_PYTHON when set", () => {
    expect(pythonCandidates({}).map((c) => c.cmd)).toEqual(['/usr/bin/python3', 'python3']);
    expect(pythonCandidates({ EPO_TORCH_PYTHON: '/opt/venv/bin/python' }).map((c) => c.cmd)).toEqual(['/opt/venv/bin/python']);
  });
  it('takes the first candidate that imports torch', () => {
    const asked: string[] = [];
    const got = pickPython(pythonCandidates({}), (cmd) => {
      asked.push(cmd);
      return cmd === 'python3' ? { ok: true, version: '1.13.0' } : { ok: false, why: "No module named 'torch'" };
    });
    expect(got).toEqual({ python: 'python3', torch: '1.13.0' });
    expect(asked).toEqual(['/usr/bin/python3', 'python3']);
    expect(pickPython(pythonCandidates({}), () => ({ ok: true, version: '2.1' }))).toEqual({ python: '/usr/bin/python3', torch: '2.1' });
  });
  it('says why each candidate failed when none has torch', () => {
    const got = pickPython(pythonCandidates({}), (cmd) => ({ ok: false, why: cmd === 'python3' ? 'not found' : "No module named 'torch'" }));
    expect('skip' in got).toBe(true);
    const why = (got as { skip: string }).skip;
    expect(why).toContain("/usr/bin/python3 (Debian's python): No module named 'torch'");
    expect(why).toContain('python3 (PATH): not found');
    expect(why).toContain('EPO_TORCH_PYTHON');
  });
});

describe('bench model-vs-torch: figures', () => {
  it("keeps PyTorch at its best thread count per workload, with the training run's RSS", () => {
    const best = bestOf([fig('torch', 1, 5000, 900, 3000, 500), fig('torch', 2, 4000, 800, 4200, 520)]);
    expect(best).toMatchObject({ train_tokens_per_s: 5000, train_threads: 1, train_rss_MiB: 500, gen_b1_tokens_per_s: 900, gen_b1_threads: 1, gen_b32_tokens_per_s: 4200, gen_b32_threads: 2 });
    expect(() => bestOf([])).toThrow(EpoError);
  });
  it('ratio is epo over PyTorch to two decimals, and absent without PyTorch', () => {
    expect(ratio(1399, 5560)).toBe(0.25);
    expect(ratio(3000, 2000)).toBe(1.5);
    expect(ratio(100, undefined)).toBeUndefined();
    expect(ratio(100, 0)).toBeUndefined();
  });
  it('prints one aligned row per size, with dashes where PyTorch was skipped', () => {
    const torch = bestOf([fig('torch', 1, 5560, 900, 4052, 510)]);
    const table = formatTable([
      { size: 'tiny', epo: fig('epo', 2, 1399, 195, 881, 1230), torch },
      { size: 'small', epo: { ...fig('epo', 2, 150, 100, 250, 2700), size: 'small' } },
    ]);
    expect(table.split('\n')).toEqual([
      'size  | train tok/s epo / torch | ratio | gen b=32 tok/s epo / torch | ratio | train RSS MiB epo / torch',
      'tiny  | 1399 / 5560 (1t)        | 0.25x | 881 / 4052 (1t)            | 0.22x | 1230 / 510',
      'small | 150 / -                 | -     | 250 / -                    | -     | 2700 / -',
    ]);
  });
  it("checks the issue's targets: training on tiny and small, generation at batch 32, small's RSS", () => {
    const rows = [
      { size: 'micro', epo: fig('epo', 2, 3000, 1, 700, 400), torch: bestOf([fig('torch', 1, 24000, 1, 1000, 300)]) },
      { size: 'small', epo: { ...fig('epo', 2, 600, 1, 500, 900), size: 'small' }, torch: bestOf([fig('torch', 1, 1000, 1, 1000, 600)]) },
    ];
    expect(targetChecks(rows)).toEqual([
      { what: 'micro generation b=32 >= 0.6x', value: '0.70x', met: true },
      { what: 'small training >= 0.5x', value: '0.60x', met: true },
      { what: 'small generation b=32 >= 0.6x', value: '0.50x', met: false },
      { what: 'small training RSS <= 1024 MiB', value: '900 MiB', met: true },
    ]);
  });
  it('warns about the reference BLAS below 20 GFLOP/s only', () => {
    expect(blasWarning({ matmul_gflops: 3.1, blas: 'libblas.so.3', threads: 1 })).toContain('install libopenblas0-pthread');
    expect(blasWarning({ matmul_gflops: 93, blas: 'libopenblasp-r0.3.21.so', threads: 1 })).toBeUndefined();
    expect(blasWarning({ threads: 1 })).toBeUndefined();
  });
  it("reads a child's last JSON line past its log lines", () => {
    expect(lastJsonLine('loading\n{"a":1}\n{not json\n')).toEqual({ a: 1 });
    expect(lastJsonLine('{"a":1}\n{"a":2}\n')).toEqual({ a: 2 });
    expect(lastJsonLine('Traceback ...\n')).toBeUndefined();
  });
  it('hands PyTorch the shapes of SIZES and the workload of bench -- model', () => {
    expect(torchSpec('tiny', 2, false)).toEqual({
      size: 'tiny', threads: 2, vocab_size: 2048, hidden_size: 128, intermediate_size: 384, num_hidden_layers: 4, num_attention_heads: 4,
      num_key_value_heads: 2, rms_norm_eps: 1e-5, rope_theta: 10000, initializer_range: 0.02, batch: 8, seq_len: 256, steps: 4, gen_b1_tokens: 48, gen_b32_tokens: 24,
    });
    expect(torchSpec('small', 1, true)).toMatchObject({ vocab_size: 4096, hidden_size: 384, num_attention_heads: 6, num_key_value_heads: 2, batch: 4, steps: 1, gen_b32_tokens: 8 });
  });
});
