/**
 * Built-in model speed and memory: training tokens/s (forward + backward + AdamW) and generation tokens/s at batch
 * 1 and 32 (KV cache, 32-token prompts), for each size; plus the wasm vs cpu backend comparison that picks the
 * default. `npm run -s bench -- model [--quick]`. Figures depend on the machine's load: run it on an idle machine.
 */
import { initBackend, tf, useBackend, type BackendName } from '../src/model/backend.js';
import { countParams, makeConfig, type ModelSize, SIZES } from '../src/model/config.js';
import { generate } from '../src/model/generate.js';
import { disposeModel, initModel, type LlamaModel } from '../src/model/llama.js';
import { maskedNll, packBatch, sequenceLogProbs, valueAndGrad } from '../src/model/logprobs.js';
import { AdamW, clipGradNorm } from '../src/model/optim/adamw.js';
import { trainBpe } from '../src/model/tokenizer/bpe.js';
import { createRng } from '../src/core/random.js';
import { SPECIAL_TOKENS } from '../src/model/tokenizer/chat.js';

const quick = process.argv.includes('--quick');
const VOCAB: Record<ModelSize, number> = { micro: 512, tiny: 2048, small: 4096 };
const mb = (b: number) => Math.round(b / 2 ** 20);

function trainSpeed(model: LlamaModel, batch: number, seqLen: number, steps: number): number {
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

async function genSpeed(model: LlamaModel, tok: ReturnType<typeof trainBpe>, batch: number, newTokens: number): Promise<number> {
  const V = model.config.vocab_size;
  const prompts = Array.from({ length: batch }, (_, b) => ({ prompt: Array.from({ length: 32 }, (_, t) => (b * 31 + t * 17) % (V - 8)), temperature: 1, maxTokens: newTokens, seed: b }));
  await generate(model, tok, prompts.map((p) => ({ ...p, maxTokens: 2 })), { yieldEvery: false });
  const t0 = performance.now();
  const res = await generate(model, tok, prompts, { yieldEvery: false });
  const n = res.reduce((k, r) => k + r.completionTokens, 0);
  return n / ((performance.now() - t0) / 1000);
}

const figures: Record<string, number | string> = {};
const backend = await initBackend();
figures.backend = backend;
console.log(`backend ${backend}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
// A tokenizer as large as the biggest vocabulary, learned from random words (only decoding speed matters here).
const wordRng = createRng(5);
const words = Array.from({ length: 30000 }, () => Array.from({ length: 2 + wordRng.int(8) }, () => String.fromCharCode(97 + wordRng.int(26))).join(''));
const tok = trainBpe([words.join(' ')], VOCAB.small, SPECIAL_TOKENS);
for (const size of ['micro', 'tiny', 'small'] as ModelSize[]) {
  const cfg = makeConfig({ vocab_size: VOCAB[size], ...SIZES[size] }, { bos: 0, eos: 1, pad: 2 });
  const model = initModel(cfg, 1);
  const params = countParams(cfg);
  const [tb, tl, ts] = size === 'small' ? [4, 256, quick ? 1 : 2] : [8, 256, quick ? 2 : 4];
  const train = trainSpeed(model, tb, tl, ts);
  const gen1 = await genSpeed(model, tok, 1, quick ? 16 : 48);
  const gen32 = await genSpeed(model, tok, 32, quick ? 8 : 24);
  const rss = process.memoryUsage().rss;
  console.log(`${size.padEnd(5)} ${(params / 1e6).toFixed(2)} M params | train ${train.toFixed(0)} tok/s (batch ${tb}×${tl}) | generate ${gen1.toFixed(1)} tok/s at batch 1, ${gen32.toFixed(1)} tok/s at batch 32 | tensors ${mb(tf.memory().numBytes)} MiB, RSS ${mb(rss)} MiB`);
  Object.assign(figures, {
    [`${size}_params_M`]: Number((params / 1e6).toFixed(2)),
    [`${size}_train_tokens_per_s`]: Math.round(train),
    [`${size}_generate_b1_tokens_per_s`]: Number(gen1.toFixed(1)),
    [`${size}_generate_b32_tokens_per_s`]: Number(gen32.toFixed(1)),
    [`${size}_tensor_MiB`]: mb(tf.memory().numBytes),
    [`${size}_rss_MiB`]: mb(rss),
  });
  disposeModel(model);
}
// Backend choice: one tiny training measurement per available backend.
for (const name of ['wasm', 'cpu'] as BackendName[]) {
  await useBackend(name);
  const model = initModel(makeConfig({ vocab_size: VOCAB.tiny, ...SIZES.tiny }, { bos: 0, eos: 1, pad: 2 }), 1);
  const t = trainSpeed(model, 4, 128, 1);
  console.log(`backend ${name}: tiny train ${t.toFixed(0)} tok/s (batch 4×128)`);
  figures[`${name}_tiny_train_tokens_per_s`] = Math.round(t);
  disposeModel(model);
}
console.log(JSON.stringify(figures));
