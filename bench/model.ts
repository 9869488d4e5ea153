/**
 * Built-in model speed and memory: training tokens/s (forward + backward + AdamW) and generation tokens/s at batch
 * 1 and 32 (KV cache, 32-token prompts), for each size; plus the engine comparison that picks the default (the
 * native engine, TensorFlow.js on wasm, TensorFlow.js on the plain-JS cpu backend). `npm run -s bench -- model [--quick]`. Figures depend on the machine's load: run it on an idle machine.
 */
import { initBackend, tf, useBackend, type BackendName } from '../src/model/backend.js';
import { countParams, makeConfig, type ModelSize, SIZES } from '../src/model/config.js';
import { disposeModel, initModel } from '../src/model/llama.js';
import { nativeStatus } from '../src/model/native.js';
import { benchTokenizer, genSpeed, genTokens, trainShape, trainSpeed, VOCAB } from './model/speed.js';

const quick = process.argv.includes('--quick');
const mb = (b: number) => Math.round(b / 2 ** 20);

const figures: Record<string, number | string> = {};
const backend = await initBackend();
figures.backend = backend;
figures.engine = nativeStatus();
console.log(`engine ${figures.engine}, TensorFlow.js backend ${backend}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
// A tokenizer as large as the biggest vocabulary.
const tok = benchTokenizer(VOCAB.small);
for (const size of ['micro', 'tiny', 'small'] as ModelSize[]) {
  const cfg = makeConfig({ vocab_size: VOCAB[size], ...SIZES[size] }, { bos: 0, eos: 1, pad: 2 });
  const model = initModel(cfg, 1);
  const params = countParams(cfg);
  const { batch: tb, seqLen: tl, steps: ts } = trainShape(size, quick);
  const train = trainSpeed(model, tb, tl, ts);
  const gen1 = await genSpeed(model, tok, 1, genTokens(quick).b1);
  const gen32 = await genSpeed(model, tok, 32, genTokens(quick).b32);
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
// Engine choice: one tiny training measurement per engine (the native one when built, then TensorFlow.js).
const engines: [string, string, BackendName][] = [['native', 'native', 'wasm'], ['tfjs-wasm', 'tfjs', 'wasm'], ['tfjs-cpu', 'tfjs', 'cpu']];
for (const [label, engine, name] of engines) {
  if (engine === 'native' && !nativeStatus().startsWith('native')) continue;
  process.env.EPO_ENGINE = engine;
  await useBackend(name);
  const model = initModel(makeConfig({ vocab_size: VOCAB.tiny, ...SIZES.tiny }, { bos: 0, eos: 1, pad: 2 }), 1);
  const t = trainSpeed(model, 4, 128, 1);
  console.log(`${label}: tiny train ${t.toFixed(0)} tok/s (batch 4×128)`);
  figures[`${label.replace('-', '_')}_tiny_train_tokens_per_s`] = Math.round(t);
  disposeModel(model);
}
console.log(JSON.stringify(figures));
