import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/core/messages.js';
import { initBackend, initModel, makeConfig, saveCheckpoint, scoreSequences, SPECIAL, SPECIAL_TOKENS, trainBpe, type BpeTokenizer, type LlamaModel } from '../src/model/index.js';
import { epoBatchLoss, epoPositionWeights, epoSampleLoss, k3 } from '../src/train/epo-loss.js';
import { encodeExamples, microStep, stepExamples, trainEpo, type TrainExample } from '../src/train/trainer.js';

describe('EPO loss, closed form', () => {
  // Sample A: two turns of 2 and 1 tokens, the second with weight 0 (still counted in K = 2).
  //   turn 1: w 1, log-probs −1, −3 → mean −2;  turn 2: w 0, log-prob −5
  //   loss_A = −(1/2)·(1·(−2) + 0·(−5)) = 1
  // Sample B: one turn of 3 tokens, w 0.5, log-probs −0.5, −1, −1.5 → mean −1;  loss_B = −0.5·(−1) = 0.5
  // Batch: mean (1 + 0.5)/2 = 0.75 (the reference sums: 1.5).
  const A = { tokenLogps: [0, -9, -1, -3, -9, -9, -5], spans: [{ start: 2, end: 4, weight: 1 }, { start: 6, end: 7, weight: 0 }] };
  const B = { tokenLogps: [0, -0.5, -1, -1.5], spans: [{ start: 1, end: 4, weight: 0.5 }] };

  it('matches the worked example per sample and for the batch', () => {
    expect(epoSampleLoss(A.tokenLogps, A.spans)).toBeCloseTo(1, 12);
    expect(epoSampleLoss(B.tokenLogps, B.spans)).toBeCloseTo(0.5, 12);
    expect(epoBatchLoss([A, B])).toBeCloseTo(0.75, 12);
  });

  it('spreads the same loss over shifted positions: −Σ coef·logp', () => {
    const coef = epoPositionWeights(A.spans, A.tokenLogps.length - 1);
    // token t sits at position t − 1; turn 1 → positions 1, 2 with 1/(2·2); turn 2 → position 5 with 0
    expect([...coef]).toEqual([0, 0.25, 0.25, 0, 0, 0]);
    const shifted = A.tokenLogps.slice(1);
    expect(-shifted.reduce((a, lp, p) => a + lp * coef[p], 0)).toBeCloseTo(1, 12);
  });

  it('k3 is zero at the reference and positive elsewhere', () => {
    expect(k3(-1, -1)).toBe(0);
    expect(k3(-1, -2)).toBeCloseTo(Math.exp(-1) + 1 - 1, 12);
    expect(k3(-2, -1)).toBeGreaterThan(0);
  });

  it('orders examples by seeded epoch permutations, so a step always sees the same examples', () => {
    const all = [0, 1, 2].flatMap((s) => stepExamples(5, 4, s, 7));
    expect(all.slice(0, 5).sort()).toEqual([0, 1, 2, 3, 4]); // epoch 0 is a permutation
    expect(stepExamples(5, 4, 2, 7)).toEqual(all.slice(8, 12));
  });
});

describe('the trainer on the built-in model', () => {
  let tok: BpeTokenizer;
  let model: LlamaModel;
  const chat = (a1: string, a2: string): ChatMessage[] => [
    { role: 'user', content: 'Task: put a mug on the desk.' }, { role: 'assistant', content: a1 },
    { role: 'user', content: 'Observation: you see a mug 1.' }, { role: 'assistant', content: a2 },
  ];
  beforeAll(async () => {
    await initBackend();
    tok = trainBpe(['Task: put a mug on the desk. Thought: go to shelf 1. take mug 1. Observation: you see a mug 1.'], 300, SPECIAL_TOKENS);
    model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 128 },
      { bos: tok.special(SPECIAL.bos), eos: tok.special(SPECIAL.eot), pad: tok.special(SPECIAL.pad) }), 3);
  });

  it('computes the closed form on real log-probabilities (two samples, different lengths, a zero weight)', () => {
    const examples: TrainExample[] = [
      { id: 'a', messages: chat('Thought: go to shelf 1.', 'Thought: take mug 1.'), weights: [0.8, 0] },
      { id: 'b', messages: chat('Thought: go.', 'Thought: take mug 1, go to desk.'), weights: [-0.5, 1] },
    ];
    const { encoded } = encodeExamples(tok, examples, 128, 'signed');
    const r = microStep(model, undefined, encoded, model.config.pad_token_id!, 0);
    for (const g of r.grads.values()) g.dispose();
    const logps = scoreSequences(model, encoded.map((e) => e.ids), model.config.pad_token_id!);
    // scoreSequences gives position p = log p(token p+1): prepend a dummy for token 0
    const closed = epoBatchLoss(encoded.map((e, i) => ({ tokenLogps: [0, ...logps[i]], spans: e.spans })));
    expect(r.loss).toBeCloseTo(closed, 4);
    expect(encoded[1].spans.map((s) => s.weight)).toEqual([-0.5, 1]);
    expect(encodeExamples(tok, examples, 128, 'nonnegative').encoded[1].spans[0].weight).toBe(0);
  });

  it('KL to the starting model is 0 at the start and the loss is unchanged by it', () => {
    const { encoded } = encodeExamples(tok, [{ id: 'a', messages: chat('Thought: go to shelf 1.', 'Thought: take mug 1.'), weights: [1, 1] }], 128, 'signed');
    const plain = microStep(model, undefined, encoded, 0, 0);
    const withKl = microStep(model, model, encoded, 0, 0.5);
    for (const g of [...plain.grads.values(), ...withKl.grads.values()]) g.dispose();
    expect(withKl.kl).toBeCloseTo(0, 6);
    expect(withKl.loss).toBeCloseTo(plain.loss, 5);
  });

  it('raises the weighted turns\' likelihood, logs per step, and resumes without redoing steps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-train-'));
    saveCheckpoint(join(dir, 'init'), { model, tokenizer: tok });
    const examples: TrainExample[] = [{ id: 'a', messages: chat('Thought: go to shelf 1.', 'Thought: take mug 1.'), weights: [1, 0.5] }];
    const lines: string[] = [];
    const log = { debug() {}, info: (m: string) => lines.push(m), warn() {}, error() {}, child() { return log; } };
    const base = { init: join(dir, 'init'), out: join(dir, 'out'), examples, epochs: 6, lr: 1e-2, warmupRatio: 0, minLrRatio: 0, batchSize: 1, accum: 1, clip: 1, weightDecay: 0, klCoef: 0, advantages: 'signed' as const, maxLen: 128, seed: 1, saveEvery: 2, log };
    const ctrl = new AbortController();
    const stopAt3 = { ...log, info: (m: string) => { lines.push(m); if (m.startsWith('step 3/')) ctrl.abort(); } };
    await expect(trainEpo({ ...base, log: stopAt3, signal: ctrl.signal })).rejects.toThrow(/stopped at step 3/);
    const state = JSON.parse(readFileSync(join(dir, 'out', 'trainer_state.json'), 'utf8'));
    expect(state.step).toBe(2); // checkpoint every 2 steps
    const r = await trainEpo(base);
    expect(r.resumedAt).toBe(2);
    expect(r.steps).toBe(6);
    expect(r.history.map((h) => h.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.history[5].loss).toBeLessThan(r.history[0].loss);
    expect(lines.some((l) => /^step 1\/6 loss [\d.]+ w mean 0\.750 min 0\.500 max 1\.000 lr /.test(l))).toBe(true);
    const again = await trainEpo(base);
    expect(again.alreadyDone).toBe(true);
  });
});
