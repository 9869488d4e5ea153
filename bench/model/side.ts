/**
 * One size of the built-in model measured in a process of its own (started by `bench -- model-vs-torch`), so its
 * peak RSS is comparable with PyTorch's: `tsx bench/model/side.ts --size tiny [--quick]`. Prints one JSON line.
 * Thread count: EPO_THREADS, as set by the parent (the engine decides what it does with it).
 */
import { initBackend } from '../../src/model/backend.js';
import { makeConfig, type ModelSize, SIZES } from '../../src/model/config.js';
import { initModel } from '../../src/model/llama.js';
import { nativeStatus } from '../../src/model/native.js';
import { benchTokenizer, genSpeed, genTokens, trainShape, trainSpeed, VOCAB } from './speed.js';

const argv = process.argv;
const size = argv[argv.indexOf('--size') + 1] as ModelSize;
if (!(size in SIZES)) { console.error(`side: --size must be one of ${Object.keys(SIZES).join(', ')}`); process.exit(2); }
const quick = argv.includes('--quick');
const maxRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in KiB

const backend = await initBackend();
const model = initModel(makeConfig({ vocab_size: VOCAB[size], ...SIZES[size] }, { bos: 0, eos: 1, pad: 2 }), 1);
const { batch, seqLen, steps } = trainShape(size, quick);
const train = trainSpeed(model, batch, seqLen, steps);
const trainRss = maxRssMiB(); // before the tokenizer and generation, so it is training's own peak
const tok = benchTokenizer(VOCAB[size]);
const gen1 = await genSpeed(model, tok, 1, genTokens(quick).b1);
const gen32 = await genSpeed(model, tok, 32, genTokens(quick).b32);
console.log(JSON.stringify({
  side: 'epo', size, backend, engine: nativeStatus(), threads: process.env.EPO_THREADS ?? '', train_tokens_per_s: train, gen_b1_tokens_per_s: gen1,
  gen_b32_tokens_per_s: gen32, train_rss_MiB: trainRss, peak_rss_MiB: maxRssMiB(),
}));
