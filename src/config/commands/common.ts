/**
 * Fields several commands share, defined once: sampling, rollout limits, training hyperparameters. Each command's
 * schema picks the ones it takes (and may give one another default with `withDefault`).
 */
import { RULES } from '../number.js';
import { bool, int, num, repeat, str } from '../schema.js';

/** Hyperparameters of the in-process EPO trainer (src/train/trainer.ts). */
export const TRAIN_DEFAULTS = {
  epochs: 2, lr: 3e-4, warmupRatio: 0.03, minLrRatio: 0, batchSize: 8, accum: 1, clip: 1, weightDecay: 0, klCoef: 0,
  advantages: 'signed' as 'signed' | 'nonnegative', maxLen: 1024, seed: 0, saveEvery: 50,
};

export const seed = int('run seed (episode and call seeds derive from it)', { ...RULES.seed, default: 0 });
export const concurrency = int('episodes in flight at once', { ...RULES.concurrency, default: 16 });
export const maxSteps = int('step limit per episode', { ...RULES.steps, defaultText: "the environment's (ALFWorld 40, WebShop 10, as the reference)" });
export const trials = int('episodes per task', { ...RULES.trials, default: 1 });
export const temperature = num('sampling temperature', RULES.temperature);
export const maxTokens = int('answer length limit per call, in tokens', { ...RULES.maxTokens, default: 256 });
export const data = str('data root holding alfworld/, webshop/ and sotopia/', { arg: '<dir>', defaultText: 'EPO_DATA_DIR or ~/.cache/epo/data' });
export const showAdmissible = bool('show the actor the currently valid actions (ALFWorld admissible commands, WebShop clickables; needed by scripted:rule-actor)', { default: false });
export const run = str('run name (folder under runs/); re-running the same name resumes it', { arg: '<name>' });
export const next = repeat('the served checkpoint of an iteration trained outside, as <iteration>=<spec>', { arg: '<iteration=spec>' });

export const training = {
  epochs: num('epochs over each dataset', { ...RULES.epochs, default: TRAIN_DEFAULTS.epochs }),
  lr: num('peak learning rate (cosine schedule, 3% warm-up)', { ...RULES.learningRate, default: TRAIN_DEFAULTS.lr }),
  batchSize: int('examples per micro-batch', { ...RULES.batch, default: TRAIN_DEFAULTS.batchSize }),
  accum: int('micro-batches per optimizer step', { ...RULES.batch, default: TRAIN_DEFAULTS.accum }),
  kl: num('β of the KL penalty to the starting model (0: off)', { ...RULES.kl, default: TRAIN_DEFAULTS.klCoef }),
  advantages: str('signed (weights as the return rule gives them) or nonnegative (negative weights become 0)', { default: TRAIN_DEFAULTS.advantages, choices: ['signed', 'nonnegative'], arg: '<mode>' }),
  maxLen: int('tokens per strategist chat; later turns are dropped', { ...RULES.maxLen, defaultText: `${TRAIN_DEFAULTS.maxLen}, capped by the model's context` }),
};

/** Which protocol a run follows: epo's own (default) or the EPO reference release's, exactly (docs/evaluation.md). */
export const PROTOCOLS = ['epo', 'reference'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];
export const protocol = str("evaluation protocol: epo (epo's own) or reference (the EPO release's prompts, layout, rules and decoding, read from `epo data install epo-reference`)", { default: 'epo', choices: [...PROTOCOLS], arg: '<name>' });

/** Experiment tracking backends (src/track/): where train, selfplay and demo report their metrics. */
export const reportTo = repeat('experiment tracking: jsonl (metrics.jsonl), tensorboard (event files) or wandb (Weights & Biases SDK, offline without WANDB_API_KEY); repeat the flag or give a comma list (docs/tracking.md)', { arg: '<backend>' });
export const samples = int('sample trajectories tabled per evaluation when tracking', { ...RULES.tasks, min: 0, default: 4 });
