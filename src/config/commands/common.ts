/**
 * Fields several commands share, defined once: sampling, rollout limits, training hyperparameters. Each command's
 * schema picks the ones it takes (and may give one another default with `withDefault`).
 */
import { bool, int, num, repeat, str } from '../schema.js';

/** Hyperparameters of the in-process EPO trainer (src/train/trainer.ts). */
export const TRAIN_DEFAULTS = {
  epochs: 2, lr: 3e-4, warmupRatio: 0.03, minLrRatio: 0, batchSize: 8, accum: 1, clip: 1, weightDecay: 0, klCoef: 0,
  advantages: 'signed' as 'signed' | 'nonnegative', maxLen: 1024, seed: 0, saveEvery: 50,
};

export const LIMITS = { trials: 10_000, steps: 10_000, tasks: 1_000_000, concurrency: 4096, tokens: 1_000_000, seed: 2 ** 32 - 1 };

export const seed = int('run seed (episode and call seeds derive from it)', { default: 0, min: 0, max: LIMITS.seed });
export const concurrency = int('episodes in flight at once', { default: 16, min: 1, max: LIMITS.concurrency });
export const maxSteps = int('step limit per episode', { min: 1, max: LIMITS.steps, defaultText: "the environment's (ALFWorld 40, WebShop 10, as the reference)" });
export const trials = int('episodes per task', { default: 1, min: 1, max: LIMITS.trials });
export const temperature = num('sampling temperature', { min: 0, max: 2 });
export const maxTokens = int('answer length limit per call, in tokens', { default: 256, min: 1, max: LIMITS.tokens });
export const data = str('data root holding alfworld/, webshop/ and sotopia/', { arg: '<dir>', defaultText: 'EPO_DATA_DIR or ~/.cache/epo/data' });
export const showAdmissible = bool('show the actor the currently valid actions (ALFWorld admissible commands, WebShop clickables; needed by scripted:rule-actor)', { default: false });
export const run = str('run name (folder under runs/); re-running the same name resumes it', { arg: '<name>' });
export const next = repeat('the served checkpoint of an iteration trained outside, as <iteration>=<spec>', { arg: '<iteration=spec>' });

export const training = {
  epochs: num('epochs over each dataset', { default: TRAIN_DEFAULTS.epochs, min: 0, max: 1000 }),
  lr: num('peak learning rate (cosine schedule, 3% warm-up)', { default: TRAIN_DEFAULTS.lr, min: 0, max: 1 }),
  batchSize: int('examples per micro-batch', { default: TRAIN_DEFAULTS.batchSize, min: 1, max: 4096 }),
  accum: int('micro-batches per optimizer step', { default: TRAIN_DEFAULTS.accum, min: 1, max: 4096 }),
  kl: num('β of the KL penalty to the starting model (0: off)', { default: TRAIN_DEFAULTS.klCoef, min: 0, max: 100 }),
  advantages: str('signed (weights as the return rule gives them) or nonnegative (negative weights become 0)', { default: TRAIN_DEFAULTS.advantages, choices: ['signed', 'nonnegative'], arg: '<mode>' }),
  maxLen: int('tokens per strategist chat; later turns are dropped', { min: 2, max: 1_000_000, defaultText: `${TRAIN_DEFAULTS.maxLen}, capped by the model's context` }),
};
