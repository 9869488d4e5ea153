import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/random.js';
import { initBackend, tf } from './backend.js';
import { makeConfig } from './config.js';
import { generate } from './generate.js';
import { disposeModel, initModel, type LlamaModel } from './llama.js';
import { maskedNll, packBatch, scoreSequences, sequenceLogProbs, valueAndGrad } from './logprobs.js';
import { nativeConfig, nativeKernels, nativeStatus } from './native.js';
import { AdamW } from './optim/adamw.js';
import { trainBpe } from './tokenizer/bpe.js';
import { SPECIAL_TOKENS } from './tokenizer/chat.js';

const built = (() => { try { return nativeKernels() !== undefined; } catch { return false; } })();
if (!built) console.warn(`[skip] native engine tests: ${nativeStatus()}`);

const withEngine = <T>(engine: 'native' | 'tfjs', f: () => T): T => {
  const before = process.env.EPO_ENGINE;
  process.env.EPO_ENGINE = engine;
  try { return f(); } finally { if (before === undefined) delete process.env.EPO_ENGINE; else process.env.EPO_ENGINE = before; }
};

// GQA (4 query heads on 2 kv heads), and an untied head in the second variant.
const config = (tie: boolean) => makeConfig({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64, tie_word_embeddings: tie }, { bos: 0, eos: 1, pad: 2 });

function scaled(tie: boolean, seed: number): LlamaModel {
  const model = initModel(config(tie), seed);
  // Larger weights than the default init so that every path carries signal.
  for (const [name, v] of model.params) if (v.shape.length > 1) v.assign(tf.mul(v, name.includes('embed') ? 20 : 10));
  return model;
}

beforeAll(async () => { await initBackend(); });
afterEach(() => { delete process.env.EPO_ENGINE; });

describe.runIf(built)('the native engine', () => {
  it('multiplies matrices with every transpose, accumulating or not (worked example)', () => {
    const k = nativeKernels()!;
    const A = Float32Array.from([1, 2, 3, 4, 5, 6]); // [[1,2,3],[4,5,6]] or, transposed, [[1,3,5],[2,4,6]] read as 3×2
    const B = Float32Array.from([1, 0, 0, 1, 1, 1]); // [[1,0],[0,1],[1,1]] (3×2) or [[1,0,0],[1,1,1]] (2×3)
    const C = new Float32Array(4);
    k.gemm(false, false, 2, 2, 3, A, 3, B, 2, C, 2, false);
    expect([...C]).toEqual([4, 5, 10, 11]);
    k.gemm(false, true, 2, 2, 3, A, 3, B, 3, C, 2, true); // + A·[[1,0,0],[1,1,1]]ᵀ = [[1,6],[4,15]]
    expect([...C]).toEqual([5, 11, 14, 26]);
    k.gemm(true, false, 2, 2, 3, A, 2, B, 2, C, 2, false); // [[1,3,5],[2,4,6]]·[[1,0],[0,1],[1,1]]
    expect([...C]).toEqual([6, 8, 8, 10]);
  });

  it.each([[1], [5], [37]])('matches a plain triple loop with %i rows (the one-row, few-row and blocked paths), every transpose', (M) => {
    const k = nativeKernels()!;
    const rng = createRng(M);
    const N = 300, K = 70;
    const A = Float32Array.from({ length: M * K }, () => rng.next() - 0.5);
    const B = Float32Array.from({ length: K * N }, () => rng.next() - 0.5);
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
      const want = new Float32Array(M * N).fill(1);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let q = 0; q < K; q++) want[i * N + j] += (ta ? A[q * M + i] : A[i * K + q]) * (tb ? B[j * K + q] : B[q * N + j]);
      const C = new Float32Array(M * N).fill(1);
      k.gemm(ta, tb, M, N, K, A, ta ? M : K, B, tb ? K : N, C, N, true);
      for (let i = 0; i < C.length; i++) expect(Math.abs(C[i] - want[i]), `transA ${ta} transB ${tb} at ${i}`).toBeLessThan(1e-4);
    }
  });

  it.each([[true], [false]])('gives the TensorFlow.js graph\'s log-probabilities and gradients (tied head: %s)', (tie) => {
    const model = scaled(tie, 7);
    const batch = packBatch([[0, 5, 9, 5, 5, 11, 3], [0, 7, 7, 12]], 2);
    const weights = tf.tensor2d([[1, 0.5, 2, 1, 0, 1], [1.5, 1, 1, 9, 9, 9]]);
    const loss = () => maskedNll(sequenceLogProbs(model, batch.ids), batch.mask, weights);
    const seqs = [[0, 5, 9, 5, 5, 11, 3], [0, 7, 7, 12]];
    const lpNative = withEngine('native', () => scoreSequences(model, seqs, 2));
    const lpTf = withEngine('tfjs', () => scoreSequences(model, seqs, 2));
    lpNative.forEach((row, b) => row.forEach((x, i) => expect(x).toBeCloseTo(lpTf[b][i], 4)));
    const a = withEngine('native', () => valueAndGrad(model, loss));
    const b = withEngine('tfjs', () => valueAndGrad(model, loss));
    expect(a.value).toBeCloseTo(b.value, 4);
    expect([...a.grads.keys()].sort()).toEqual([...b.grads.keys()].sort());
    for (const [name, g] of a.grads) {
      const x = g.dataSync(), y = b.grads.get(name)!.dataSync();
      const scale = Math.max(1e-3, ...Array.from(y, Math.abs));
      for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i]) / scale, `${name}[${i}]`).toBeLessThan(1e-3);
    }
    disposeModel(model);
  });

  it('generates the same tokens as the TensorFlow.js graph: left-padded prompts, rows ending at different steps', async () => {
    const tok = trainBpe(['Thought: go to cabinet 1. Observation: a mug is here.'], 300, SPECIAL_TOKENS);
    const model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2 }, { bos: 0, eos: 1 }), 3);
    const reqs = () => [
      { prompt: tok.encode('Thought: go'), temperature: 1, maxTokens: 9, seed: 1 },
      { prompt: tok.encode('Observation: a mug is here. Thought:'), temperature: 1, maxTokens: 3, seed: 2 },
      { prompt: tok.encode('a'), temperature: 0, maxTokens: 6, seed: 3 },
    ];
    const n = await withEngine('native', () => generate(model, tok, reqs(), { yieldEvery: false }));
    const t = await withEngine('tfjs', () => generate(model, tok, reqs(), { yieldEvery: false }));
    expect(n.map((r) => r.ids)).toEqual(t.map((r) => r.ids));
    expect(n.map((r) => r.ids.length)).toEqual([9, 3, 6]);
    disposeModel(model);
  });

  it('takes the same AdamW steps in place as the TensorFlow.js update (weight decay on matrices only)', () => {
    const run = (engine: 'native' | 'tfjs') => withEngine(engine, () => {
      const model = scaled(true, 4);
      const opt = new AdamW(model.params, { weightDecay: 0.1 });
      const batch = packBatch([[0, 5, 9, 5, 5, 11, 3]], 2);
      for (let step = 0; step < 3; step++) {
        const { grads } = valueAndGrad(model, () => maskedNll(sequenceLogProbs(model, batch.ids), batch.mask));
        opt.apply(grads, 0.01);
      }
      const out = new Map([...model.params].map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
      disposeModel(model);
      return out;
    });
    const a = run('native'), b = run('tfjs');
    for (const [name, x] of a) {
      const y = b.get(name)!;
      for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i]), `${name}[${i}]`).toBeLessThan(1e-4);
    }
    // The update moved the weights (a test that could not fail would compare two unchanged models).
    const fresh = scaled(true, 4);
    expect(Math.abs(a.get('model.norm.weight')![0] - fresh.params.get('model.norm.weight')!.dataSync()[0])).toBeGreaterThan(1e-3);
    disposeModel(fresh);
  });

  it('gives a sequence the same tokens alone as in a batch (row results do not depend on the rows beside them)', async () => {
    const tok = trainBpe(['Thought: go to cabinet 1. Observation: a mug is here.'], 300, SPECIAL_TOKENS);
    const model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2 }, { bos: 0, eos: 1 }), 9);
    for (const [name, v] of model.params) if (v.shape.length > 1) v.assign(tf.mul(v, name.includes('embed') ? 40 : 12));
    const row = { prompt: tok.encode('Thought: go to'), temperature: 1, maxTokens: 40, seed: 5 };
    const [alone] = await generate(model, tok, [row], { yieldEvery: false });
    const batch = await generate(model, tok, [
      { prompt: tok.encode('Observation: a mug is here. Thought: the mug'), temperature: 1, maxTokens: 7, seed: 6 },
      row,
      { prompt: tok.encode('a'), temperature: 1, maxTokens: 40, seed: 7 },
    ], { yieldEvery: false });
    expect(alone.ids.length).toBe(40);
    expect(batch[1].ids).toEqual(alone.ids);
    disposeModel(model);
  });

  it('refuses token ids outside the vocabulary and weights of the wrong size, naming them', () => {
    const k = nativeKernels()!;
    const model = initModel(config(true), 1);
    const views = [...model.params.values()].map((v) => v.dataSync() as Float32Array);
    const logp = new Float32Array(2);
    expect(() => k.trainForward(nativeConfig(model.config), views, Int32Array.from([0, 40]), Int32Array.from([1, 2]), 1, 2, logp, false)).toThrow(/token id out of the vocabulary at position 1/);
    expect(() => k.trainForward(nativeConfig(model.config), views.slice(1), Int32Array.from([0, 1]), Int32Array.from([1, 2]), 1, 2, logp, false)).toThrow(/weights needs 20 arrays, got 19/);
    expect(() => k.trainForward(nativeConfig(model.config), [views[0].subarray(1), ...views.slice(1)], Int32Array.from([0, 1]), Int32Array.from([1, 2]), 1, 2, logp, false)).toThrow(/weights is too short/);
    disposeModel(model);
  });
});

describe('engine choice', () => {
  it('names a bad EPO_ENGINE', () => {
    process.env.EPO_ENGINE = 'cuda';
    expect(() => nativeKernels()).toThrow(/unknown engine "cuda".*EPO_ENGINE/);
  });

  it('uses the TensorFlow.js graph when EPO_ENGINE=tfjs', () => {
    process.env.EPO_ENGINE = 'tfjs';
    expect(nativeKernels()).toBeUndefined();
    expect(nativeStatus()).toBe('tfjs (EPO_ENGINE=tfjs)');
  });
});
