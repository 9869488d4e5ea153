/**
 * EPO trainer throughput on the built-in model: tokens per second of full optimizer steps (forward, EPO loss,
 * backward, clipping, AdamW) on strategist chats of ~400 tokens, for the tiny and small sizes, with and without the KL
 * penalty. `npm run -s bench -- train [--quick]`. Optionally `--demo runs/demo/summary.json` adds the demo's wall time.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/core/random.js';
import { householdChat } from '../src/model/corpus/household.js';
import { initBackend, initModel, makeConfig, saveCheckpoint, SIZES, SPECIAL, SPECIAL_TOKENS, trainBpe, type ModelSize } from '../src/model/index.js';
import { trainEpo, type TrainExample } from '../src/train/trainer.js';

const quick = process.argv.includes('--quick');
const demoAt = process.argv.indexOf('--demo');
const backend = await initBackend();
const rng = createRng(1);
const chats = Array.from({ length: 64 }, () => householdChat(rng));
const tok = trainBpe(chats.flatMap((c) => c.map((m) => m.content)), 1024, SPECIAL_TOKENS);
const examples: TrainExample[] = chats.map((messages, i) => ({ id: `c${i}`, messages, weights: messages.filter((m) => m.role === 'assistant').map((_, k) => (k % 3 === 0 ? 0 : 1 / (1 + k))) }));
const figures: Record<string, number | string> = { backend };

for (const size of (quick ? ['tiny'] : ['tiny', 'small']) as ModelSize[]) {
  const dir = mkdtempSync(join(tmpdir(), `epo-bench-train-${size}-`));
  const model = initModel(makeConfig({ vocab_size: tok.vocabSize, ...SIZES[size] }, { bos: tok.special(SPECIAL.bos), eos: tok.special(SPECIAL.eot), pad: tok.special(SPECIAL.pad) }), 1);
  saveCheckpoint(join(dir, 'init'), { model, tokenizer: tok });
  for (const v of model.params.values()) v.dispose();
  for (const kl of [0, 0.1]) {
    const steps = size === 'tiny' ? 6 : 3;
    const n = steps * 4;
    const r = await trainEpo({
      init: join(dir, 'init'), out: join(dir, `out-kl${kl}`), examples: examples.slice(0, n), epochs: 1, lr: 1e-4, warmupRatio: 0, minLrRatio: 0,
      batchSize: 4, accum: 1, clip: 1, weightDecay: 0, klCoef: kl, advantages: 'signed', maxLen: 1024, seed: 0, saveEvery: 1000,
    });
    const key = `${size}${kl ? '_kl' : ''}`;
    figures[`${key}_tokens_per_s`] = Math.round(r.tokensPerSecond);
    console.log(`${size.padEnd(5)} ${kl ? 'EPO + KL' : 'EPO     '}: ${r.steps} steps of 4 chats (${Math.round(r.tokens / r.steps / 4)} tokens each): ${r.tokensPerSecond.toFixed(0)} tokens/s (incl. checkpoint write)`);
  }
}
if (demoAt > 0) {
  const path = process.argv[demoAt + 1];
  if (existsSync(path)) {
    const s = JSON.parse(readFileSync(path, 'utf8'));
    figures.demo_wall_s = Math.round(s.wallSeconds);
    console.log(`demo (${path}): wall time ${s.wallSeconds.toFixed(0)} s; held-out success ${s.rows.map((r: { rate: { mean: number } }) => (r.rate.mean * 100).toFixed(1) + '%').join(' → ')}`);
  }
}
console.log(JSON.stringify(figures));
