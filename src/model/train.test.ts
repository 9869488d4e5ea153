import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/random.js';
import { initBackend, tf } from './backend.js';
import { makeConfig } from './config.js';
import { generate } from './generate.js';
import { initModel, type LlamaModel } from './llama.js';
import { maskedNll, packBatch, sequenceLogProbs, valueAndGrad } from './logprobs.js';
import { AdamW, clipGradNorm, GradAccumulator } from './optim/adamw.js';
import { sampleToken } from './sampling.js';
import { cosineLr } from './schedule.js';
import { type BpeTokenizer, trainBpe } from './tokenizer/bpe.js';
import { SPECIAL, SPECIAL_TOKENS, tokenizeChat } from './tokenizer/chat.js';
import { LocalChatModel } from './chat-model.js';

beforeAll(async () => { await initBackend(); });

describe('AdamW, clipping, accumulation, schedule', () => {
  it('takes the textbook first AdamW step and decays only matrices', () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]));
    const gain = tf.variable(tf.tensor1d([1]));
    const opt = new AdamW(new Map<string, tf.Variable>([['w', w], ['gain', gain]]), { beta1: 0.9, beta2: 0.999, eps: 0, weightDecay: 0.5 });
    opt.apply(new Map<string, tf.Tensor>([['w', tf.tensor2d([[0.5, 0.25]])], ['gain', tf.tensor1d([-3])]]), 0.1);
    // Bias-corrected first step moves every weight by lr·sign(g); decay multiplies matrices by (1 − lr·wd) first.
    const [a, b] = w.dataSync();
    expect(a).toBeCloseTo(1 * 0.95 - 0.1, 6);
    expect(b).toBeCloseTo(-2 * 0.95 - 0.1, 6);
    expect(gain.dataSync()[0]).toBeCloseTo(1.1, 6);
    const st = opt.exportState();
    expect(st.step).toBe(1);
    expect([...st.tensors.keys()].sort()).toEqual(['exp_avg.gain', 'exp_avg.w', 'exp_avg_sq.gain', 'exp_avg_sq.w']);
    expect(st.tensors.get('exp_avg.w')!.data[0]).toBeCloseTo(0.05, 6);
  });

  it('clips the global norm and averages accumulated micro-batches', () => {
    const before = tf.memory().numTensors;
    const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([3, 0])], ['b', tf.tensor1d([4])]]);
    expect(clipGradNorm(grads, 1)).toBeCloseTo(5, 5);
    expect([...grads.get('a')!.dataSync(), ...grads.get('b')!.dataSync()].map((x) => Number(x.toFixed(4)))).toEqual([0.6, 0, 0.8]);
    expect(tf.memory().numTensors).toBe(before + 2); // the clipped gradients only: nothing leaked
    const acc = new GradAccumulator();
    acc.add(new Map([['a', tf.tensor1d([1, 2])]]));
    acc.add(new Map([['a', tf.tensor1d([3, 6])]]));
    expect(Array.from(acc.take().get('a')!.dataSync())).toEqual([2, 4]);
  });

  it('warms up linearly then follows a cosine to the floor', () => {
    const s = { peakLr: 1, warmupSteps: 10, totalSteps: 110, minRatio: 0.1 };
    expect(cosineLr(0, s)).toBe(0);
    expect(cosineLr(5, s)).toBe(0.5);
    expect(cosineLr(10, s)).toBe(1);
    expect(cosineLr(60, s)).toBeCloseTo(0.55, 10);
    expect(cosineLr(110, s)).toBeCloseTo(0.1, 10);
    expect(cosineLr(500, s)).toBeCloseTo(0.1, 10);
  });
});

describe('sampling', () => {
  const logits = Float32Array.from([0.1, 2.5, 2.4, -1]);
  it('is greedy at temperature 0 and with top-k 1 or a tiny top-p', () => {
    const rng = createRng(1);
    expect(sampleToken(logits, { temperature: 0 }, rng)).toBe(1);
    for (let i = 0; i < 20; i++) expect(sampleToken(logits, { temperature: 1, topK: 1 }, rng)).toBe(1);
    for (let i = 0; i < 20; i++) expect(sampleToken(logits, { temperature: 1, topP: 0.01 }, rng)).toBe(1);
  });
  it('draws in proportion to the probabilities within top-k', () => {
    const rng = createRng(2);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[sampleToken(logits, { temperature: 1, topK: 2 }, rng)]++;
    expect(counts[0] + counts[3]).toBe(0);
    // p(1) = e^0.1 / (1 + e^0.1) ≈ 0.525
    expect(counts[1] / 4000).toBeGreaterThan(0.49);
    expect(counts[1] / 4000).toBeLessThan(0.56);
  });
});

describe('a tiny model trained on a tiny corpus', () => {
  const lines = ['Thought: open the fridge 1.', 'Thought: take the mug 1 from the cabinet 2.', 'Thought: put the apple in the microwave.'];
  let tok: BpeTokenizer;
  let model: LlamaModel;
  let losses: number[];
  const bos = () => tok.special(SPECIAL.bos), eot = () => tok.special(SPECIAL.eot);

  beforeAll(() => {
    tok = trainBpe(lines, 300, SPECIAL_TOKENS);
    model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64 }, { bos: bos(), eos: eot(), pad: tok.special(SPECIAL.pad) }), 11);
    const opt = new AdamW(model.params, { weightDecay: 0 });
    const batch = packBatch(lines.map((l) => [bos(), ...tok.encode(l), eot()]), tok.special(SPECIAL.pad));
    losses = [];
    for (let step = 0; step < 120; step++) {
      const { value, grads } = valueAndGrad(model, () => maskedNll(sequenceLogProbs(model, batch.ids), batch.mask));
      clipGradNorm(grads, 1);
      opt.apply(grads, cosineLr(step, { peakLr: 1e-2, warmupSteps: 5, totalSteps: 120 }));
      losses.push(value);
    }
  });

  it('overfits: the loss falls from ~ln(V) to near zero', () => {
    expect(losses[0]).toBeGreaterThan(4);
    expect(losses.at(-1)).toBeLessThan(0.3);
  });

  it('greedily reproduces a memorised line from its first words, and stops at end of turn', async () => {
    const prompt = [bos(), ...tok.encode('Thought: take')];
    const [r] = await generate(model, tok, [{ prompt, temperature: 0, maxTokens: 30 }]);
    expect(r.text).toBe(' the mug 1 from the cabinet 2.');
    expect(r.finishReason).toBe('stop');
    expect(r.completionTokens).toBe(r.ids.length + 1);
  });

  it('cuts at a stop string and at the token budget', async () => {
    const prompt = [bos(), ...tok.encode('Thought: take')];
    const [s] = await generate(model, tok, [{ prompt, temperature: 0, maxTokens: 30, stop: ['cabinet'] }]);
    expect(s).toMatchObject({ text: ' the mug 1 from the ', finishReason: 'stop' });
    const [l] = await generate(model, tok, [{ prompt, temperature: 0, maxTokens: 2 }]);
    expect(l.finishReason).toBe('length');
    expect(l.ids).toHaveLength(2);
  });

  it('keeps the end of a prompt longer than the context window, and rejects an empty one', async () => {
    const long = [bos(), ...Array.from({ length: 99 }, () => tok.encode(' the')[0])];
    const [r] = await generate(model, tok, [{ prompt: long, temperature: 0, maxTokens: 10 }]);
    expect(r.promptTokens).toBe(64 - 10);
    expect(r.ids.length).toBeLessThanOrEqual(10);
    await expect(generate(model, tok, [{ prompt: [] }])).rejects.toThrow(/prompt 0 is empty/);
  });

  it('gives the same sample for the same seed, alone or in a batch with other prompts, and streams the same text', async () => {
    const prompt = [bos()];
    const req = { prompt, temperature: 1.5, maxTokens: 12, seed: 42 };
    const [a] = await generate(model, tok, [req]);
    const streamed: string[] = [];
    const [, b] = await generate(model, tok, [{ prompt: [bos(), ...tok.encode('Thought: open')], temperature: 0, maxTokens: 5 }, req], {
      onText: (row, d) => { if (row === 1) streamed.push(d); },
    });
    expect(b.ids).toEqual(a.ids);
    expect(streamed.join('')).toBe(b.text);
    const others = await Promise.all([1, 2, 3, 4, 5].map((seed) => generate(model, tok, [{ ...req, seed }])));
    expect(others.some(([o]) => o.ids.join() !== a.ids.join())).toBe(true);
  });

  it('serves chats through LocalChatModel: concurrent requests share a batch, an aborted one alone fails', async () => {
    const m = new LocalChatModel('local:test', model, tok);
    const ctl = new AbortController();
    const messages = [{ role: 'user' as const, content: 'Thought: take' }];
    const a = m.complete({ messages, temperature: 0, maxTokens: 20 });
    const b = m.complete({ messages, temperature: 0, maxTokens: 20, signal: ctl.signal });
    ctl.abort();
    await expect(b).rejects.toThrow(/aborted/);
    const r = await a;
    expect(r.usage.promptTokens).toBe(tokenizeChat(tok, messages, { addGenerationPrompt: true }).ids.length);
    expect(['stop', 'length']).toContain(r.finishReason);
  });
});
