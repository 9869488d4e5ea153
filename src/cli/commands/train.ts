/** `epo train`: train the strategist on a built dataset. Engines: llamafactory (the EPO fork, GPUs). */
import type { Command } from 'commander';
import { EpoError } from '../../core/errors.js';
import { findOnPath, INSTALL_HINT, LLAMAFACTORY_CLI, launchPlan, runLlamaFactory } from '../../train/llamafactory-launch.js';

interface TrainFlags { engine: string; dataset: string; dryRun?: boolean; cwd?: string }

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
};

export function registerTrain(program: Command): void {
  program.command('train')
    .description('train the strategist on a dataset built by `epo dataset build`')
    .option('--engine <name>', `training engine: ${Object.keys(trainEngines).join(', ')}`, 'llamafactory')
    .requiredOption('--dataset <dir>', 'dataset folder (output of dataset build)')
    .option('--cwd <dir>', 'working directory for the trainer (the LLaMA-Factory folder, for its DeepSpeed configs)')
    .option('--dry-run', 'print the command instead of running it')
    .action(async (o: TrainFlags) => {
      const engine = trainEngines[o.engine];
      if (!engine) throw new EpoError('BAD_INPUT', `unknown engine "${o.engine}"; known: ${Object.keys(trainEngines).join(', ')}`, { where: '--engine' });
      await engine.run(o);
    });
}
