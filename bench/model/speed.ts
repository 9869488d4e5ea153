/**
 * The built-in model's speed measurements, shared by `bench -- model` and `bench -- model-vs-torch` (whose child
 * processes import them), so both measure the same workload: the shapes, vocabularies, batches and steps below.
 */
import { createRng } from '../../src/core/random.js';
import type { ModelSize } from '../../src/model/config.js';
import { generate } from '../../src/model/generate.js';
import type { LlamaModel } from '../../src/model/llama.js';
import { maskedNll, packBatch, sequenceLogProbs, valueAndGrad } from '../../src/model/logprobs.js';
import { AdamW, clipGradNorm } from '../../src/model/optim/adamw.js';
import { trainBpe } from '../../src/model/tokenizer/bpe.js';
import { SPECIAL_TOKENS } from '../../src/model/tokenizer/chat.js';

export const VOCAB: Record<ModelSize, number> = { micro: 512, tiny: 2048, small: 4096 };

/** Training batch, sequence length and timed steps per size (one more step is run first as a warm-up). */
export function trainShape(size: ModelSize, quick: boolean): { batch: number; seqLen: number; steps: number } {
  return size === 'small' ? { batch: 4, seqLen: 256, steps: quick ? 1 : 2 } : { batch: 8, seqLen: 256, steps: quick ? 2 : 4 };
}

/** New tokens per row when generating at batch 1 and batch 32 (after a 32-token prompt). */
export const genTokens = (quick: boolean): { b1: number; b32: number } => ({ b1: quick ? 16 : 48, b32: quick ? 8 : 24 });

/** Training tokens/s: forward + cross-entropy + backward + gradient clipping + AdamW, on deterministic token ids. */
export function trainSpeed(model: LlamaModel, batch: number, seqLen: number, steps: number): number {
  const opt = new AdamW(model.params);
  const V = model.config.vocab_size;
  const run = (step: number) => {
    const seqs = Array.from({ length: batch }, (_, b) => Array.from({ length: seqLen + 1 }, (_, t) => (b * 7919 + t * 104729 + step) % V));
    const pb = packBatch(seqs, 0);
    const { grads } = valueAndGrad(model, () => maskedNll(sequenceLogProbs(model, pb.ids), pb.mask));
    clipGradNorm(grads, 1);
    opt.apply(grads, 1e-4);
    pb.ids.dispose(); pb.mask.dispose();
  };
  run(0); // warm-up (kernel set-up, weight packing)
  const t0 = performance.now();
  for (let s = 1; s <= steps; s++) run(s);
  opt.dispose();
  return (batch * seqLen * steps) / ((performance.now() - t0) / 1000);
}

/** Generation tokens/s: `batch` rows of 32-token prompts, temperature 1, KV cache (after a 2-token warm-up). */
export async function genSpeed(model: LlamaModel, tok: ReturnType<typeof trainBpe>, batch: number, newTokens: number): Promise<number> {
  const V = model.config.vocab_size;
  const prompts = Array.from({ length: batch }, (_, b) => ({ prompt: Array.from({ length: 32 }, (_, t) => (b * 31 + t * 17) % (V - 8)), temperature: 1, maxTokens: newTokens, seed: b }));
  await generate(model, tok, prompts.map((p) => ({ ...p, maxTokens: 2 })), { yieldEvery: false });
  const t0 = performance.now();
  const res = await generate(model, tok, prompts, { yieldEvery: false });
  const n = res.reduce((k, r) => k + r.completionTokens, 0);
  return n / ((performance.now() - t0) / 1000);
}

/** A tokenizer of `vocab` ids learned from random words (only decoding speed matters to the bench). */
export function benchTokenizer(vocab: number): ReturnType<typeof trainBpe> {
  const wordRng = createRng(5);
  const words = Array.from({ length: 30000 }, () => Array.from({ length: 2 + wordRng.int(8) }, () => String.fromCharCode(97 + wordRng.int(26))).join(''));
  return trainBpe([words.join(' ')], vocab, SPECIAL_TOKENS);
}
