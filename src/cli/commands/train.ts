/**
 * `epo train`: train the strategist on a dataset built by `epo dataset build`: in process on the built-in model
 * (`--engine builtin`, the EPO loss, resumable) or by handing it to LLaMA-Factory (`--engine llamafactory`, GPUs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { trainConfig } from '../../config/commands/train.js';
import type { ConfigOf } from '../../config/schema.js';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { readJsonlExamples } from '../../train/export/jsonl.js';
import { findOnPath, INSTALL_HINT, LLAMAFACTORY_CLI, launchPlan, runLlamaFactory } from '../../train/export/llamafactory-launch.js';
import { addConfigOptions, commandConfig } from '../config-options.js';
import { interruptible } from '../shared.js';
import { commandTracker } from '../tracking.js';
import { parseReportTo } from '../../track/tracker.js';
import { trackStep } from '../../track/metrics.js';

type TrainConfig = ConfigOf<typeof trainConfig>;

async function llamafactory(c: TrainConfig): Promise<void> {
  if (c.reportTo?.length) throw new EpoError('BAD_INPUT', '--report-to is for --engine builtin; LLaMA-Factory reports with its own report_to setting in the training YAML', { where: '--report-to' });
  const plan = launchPlan(c.dataset);
  const cli = findOnPath(LLAMAFACTORY_CLI);
  if (c.dryRun || !cli) {
    process.stdout.write(`${cli ? '' : INSTALL_HINT + '\n\n'}command:\n  ${c.cwd ? `cd ${c.cwd} && ` : ''}${plan.shell}\n`);
    return;
  }
  process.stderr.write(`running: ${plan.shell}\n`);
  const code = await runLlamaFactory(plan, c.cwd);
  if (code !== 0) throw new EpoError('INTERNAL', `llamafactory-cli exited with code ${code}`, { where: plan.config });
}

async function builtin(c: TrainConfig, yaml: string): Promise<void> {
  if (!c.model) throw new EpoError('BAD_INPUT', 'the builtin engine needs --model <checkpoint dir>', { where: '--model' });
  if (!c.out) throw new EpoError('BAD_INPUT', 'the builtin engine needs --out <dir>', { where: '--out' });
  parseReportTo(c.reportTo); // an unknown tracker is refused before anything is written
  const examples = readJsonlExamples(join(c.dataset, 'train.jsonl'));
  mkdirSync(c.out, { recursive: true });
  writeFileSync(join(c.out, 'train-config.yaml'), yaml); // the checkpoint folder says how it was trained
  const { TRAIN_DEFAULTS, trainEpo } = await import('../../train/trainer.js'); // loads TensorFlow.js: only when training
  const tracker = await commandTracker(c.reportTo, { dir: c.out, name: c.out, yaml });
  const stop = interruptible();
  try {
    const r = await trainEpo({
      ...TRAIN_DEFAULTS, init: c.model.replace(/^local:/, ''), out: c.out, examples,
      epochs: c.epochs, lr: c.lr, batchSize: c.batchSize, accum: c.accum, klCoef: c.kl, advantages: c.advantages as 'signed' | 'nonnegative', seed: c.seed,
      ...(c.maxLen !== undefined ? { maxLen: c.maxLen } : {}),
      log: createLogger({ file: join(c.out, 'train.log.jsonl') }), signal: stop.signal, onStep: (e) => trackStep(tracker, e),
    });
    process.stdout.write(`${r.alreadyDone ? 'already trained' : 'trained'}: ${r.steps}/${r.totalSteps} steps, final loss ${r.finalLoss.toFixed(4)}, ${r.examples} examples (${r.skipped} skipped) → local:${r.out}\n`);
  } finally { await tracker.close(); stop.dispose(); }
}

export function registerTrain(program: Command): void {
  const cmd = program.command('train').description('train the strategist on a dataset built by `epo dataset build`');
  addConfigOptions(cmd, trainConfig).action(async () => {
    const c = commandConfig(cmd, trainConfig, 'epo train');
    if (c.printOnly) return;
    await (c.config.engine === 'builtin' ? builtin(c.config, c.yaml) : llamafactory(c.config));
  });
}
