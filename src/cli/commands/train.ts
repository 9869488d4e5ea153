/** `epo train`: train the strategist on a built dataset. Engines: llamafactory (the EPO fork, GPUs). */
import type { Command } from 'commander';
import { EpoError } from '../../core/errors.js';
import { findOnPath, INSTALL_HINT, LLAMAFACTORY_CLI, launchPlan, runLlamaFactory } from '../../train/export/llamafactory-launch.js';

interface TrainFlags {
  engine: string; dataset: string; dryRun?: boolean; cwd?: string;
  /** builtin engine: starting checkpoint, output folder and trainer settings. */
  model?: string; out?: string; epochs?: string; lr?: string; batchSize?: string; accum?: string; kl?: string; advantages?: string; seed?: string;
}

/** Training engines by name; the in-process trainer registers `builtin` here. */
export const trainEngines: Record<string, { describe: string; run(o: TrainFlags): Promise<void> }> = {
  llamafactory: {
    describe: 'hand the dataset to LLaMA-Factory (EPO fork) via llamafactory-cli train',
    async run(o) {
      const plan = launchPlan(o.dataset);
      const cli = findOnPath(LLAMAFACTORY_CLI);
      if (o.dryRun || !cli) {
        process.stdout.write(`${cli ? '' : INSTALL_HINT + '\n\n'}command:\n  ${o.cwd ? `cd ${o.cwd} && ` : ''}${plan.shell}\n`);
        return;
      }
      process.stderr.write(`running: ${plan.shell}\n`);
      const code = await runLlamaFactory(plan, o.cwd);
      if (code !== 0) throw new EpoError('INTERNAL', `llamafactory-cli exited with code ${code}`, { where: plan.config });
    },
  },
  builtin: {
    describe: 'train the built-in model in process with the EPO loss (dataset built with --format jsonl; resumes from --out)',
    run: async (o) => (await import('./train-builtin.js')).trainBuiltin(o),
  },
};

export function registerTrain(program: Command): void {
  program.command('train')
    .description('train the strategist on a dataset built by `epo dataset build`')
    .option('--engine <name>', `training engine: ${Object.keys(trainEngines).join(', ')}`, 'llamafactory')
    .requiredOption('--dataset <dir>', 'dataset folder (output of dataset build)')
    .option('--cwd <dir>', 'working directory for the trainer (the LLaMA-Factory folder, for its DeepSpeed configs)')
    .option('--dry-run', 'print the command instead of running it')
    .option('--model <dir>', 'builtin: starting checkpoint folder (local model)')
    .option('--out <dir>', 'builtin: output checkpoint folder (a re-run resumes from it)')
    .option('--epochs <n>', 'builtin: epochs', '2')
    .option('--lr <x>', 'builtin: peak learning rate', '3e-4')
    .option('--batch-size <n>', 'builtin: examples per micro-batch', '8')
    .option('--accum <n>', 'builtin: micro-batches per optimizer step', '1')
    .option('--kl <beta>', 'builtin: KL penalty to the starting model (0: off)', '0')
    .option('--advantages <mode>', 'builtin: signed (weights as given) or nonnegative', 'signed')
    .option('--seed <n>', 'builtin: seed', '0')
    .action(async (o: TrainFlags) => {
      const engine = trainEngines[o.engine];
      if (!engine) throw new EpoError('BAD_INPUT', `unknown engine "${o.engine}"; known: ${Object.keys(trainEngines).join(', ')}`, { where: '--engine' });
      await engine.run(o);
    });
}
