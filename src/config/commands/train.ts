/** `epo train`: train the strategist on a built dataset, in process (builtin) or by LLaMA-Factory. */
import { bool, str } from '../schema.js';
import { reportTo, seed, training } from './common.js';

export const trainConfig = {
  engine: {
    engine: str('training engine: llamafactory (hand-off to llamafactory-cli, GPUs) or builtin (the built-in model in process)', { default: 'llamafactory', choices: ['llamafactory', 'builtin'], arg: '<name>' }),
    dataset: str('dataset folder (output of `epo dataset build`)', { arg: '<dir>', required: true }),
    cwd: str('working directory for the trainer (optional: the YAML names the data, the DeepSpeed config and the base model by absolute path)', { arg: '<dir>' }),
    dryRun: bool('print the command instead of running it', { default: false }),
  },
  builtin: {
    model: str('builtin: starting checkpoint folder (local model)', { arg: '<dir>' }),
    out: str('builtin: output checkpoint folder (a re-run resumes from it)', { arg: '<dir>' }),
    ...training,
    seed: { ...seed, help: 'builtin: seed' },
    reportTo: { ...reportTo, help: `builtin: ${reportTo.help}; files go to --out` },
  },
};
