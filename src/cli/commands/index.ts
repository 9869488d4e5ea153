/** Every CLI command, in the order `epo --help` lists them. One file per command group. */
import type { Command } from 'commander';
import { registerData } from './data.js';
import { registerDemo } from './demo.js';
import { registerEnv } from './env.js';
import { registerDataset } from './dataset.js';
import { registerEpisodes } from './episodes.js';
import { registerEval } from './eval.js';
import { registerSotopia } from './eval-sotopia.js';
import { registerLabel } from './label.js';
import { registerModel } from './model.js';
import { registerReplay } from './replay.js';
import { registerRuns } from './runs.js';
import { registerSelfplay } from './selfplay.js';
import { registerServe } from './serve.js';
import { registerTrain } from './train.js';
import { registerView } from './view.js';

export type Register = (program: Command) => void;

export const commands: Register[] = [
  registerData,
  registerReplay,
  registerEpisodes,
  registerEnv,
  registerEval,
  registerRuns,
  registerServe,
  registerSotopia,
  registerModel,
  registerLabel,
  registerDataset,
  registerTrain,
  registerSelfplay,
  registerDemo,
  registerView,
];
