/**
 * Launching LLaMA-Factory on an exported dataset: run `llamafactory-cli train <yaml>` when the CLI is on PATH,
 * otherwise say exactly what to run and what to install. The stock LLaMA-Factory ignores the per-turn `score` and
 * would train plain SFT: the EPO fork (LLaMA-Factory 0.9.1 with the reward-weighted loss) is required.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EpoError } from '../../core/errors.js';

export const LLAMAFACTORY_CLI = 'llamafactory-cli';

/** Absolute path of an executable on PATH, or undefined. */
export function findOnPath(cmd: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

export interface LaunchPlan {
  config: string;
  /** The command line to run (FORCE_TORCHRUN makes LLaMA-Factory start DeepSpeed through torchrun even on one GPU). */
  command: string[];
  env: Record<string, string>;
  /** Shell form, for printing. */
  shell: string;
}

export function launchPlan(datasetDir: string): LaunchPlan {
  const config = join(datasetDir, 'train_epo.yaml');
  if (!existsSync(config)) {
    throw new EpoError('NOT_FOUND', `no train_epo.yaml: build the dataset with --format llamafactory first`, { where: config });
  }
  const command = [LLAMAFACTORY_CLI, 'train', config];
  return { config, command, env: { FORCE_TORCHRUN: '1' }, shell: `FORCE_TORCHRUN=1 ${command.map(shellQuote).join(' ')}` };
}

const shellQuote = (s: string): string => (/^[\w./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export const INSTALL_HINT = [
  'llamafactory-cli is not on PATH. To train with the EPO reward-weighted loss, install the EPO fork of LLaMA-Factory',
  '(the LLaMA-Factory folder released with EPO, based on LLaMA-Factory 0.9.1) on a machine with GPUs:',
  '  cd LLaMA-Factory && pip install -e ".[torch,metrics,deepspeed]"',
  '  pip install "transformers<=4.45.2" "datasets<=2.21.0" "deepspeed<=0.14.4"',
  'The fork\'s compute_loss lacks the num_items_in_batch argument, so transformers ≥ 4.46 fails; the stock',
  'LLaMA-Factory ignores the per-turn "score" and would train plain SFT. The YAML names its files by absolute paths',
  '(the data, dataset_info.json, the DeepSpeed ZeRO-3 config written beside them, the base model).',
].join('\n');

/** Run LLaMA-Factory; resolves with its exit code. */
export function runLlamaFactory(plan: LaunchPlan, cwd?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(plan.command[0], plan.command.slice(1), { cwd, stdio: 'inherit', env: { ...process.env, ...plan.env } });
    child.on('error', (e) => reject(new EpoError('NOT_FOUND', `cannot start ${plan.command[0]}: ${e.message}`)));
    child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
  });
}

/** True when `llamafactory-cli version` answers (installed and importable). */
export function llamaFactoryAvailable(): boolean {
  if (!findOnPath(LLAMAFACTORY_CLI)) return false;
  return spawnSync(LLAMAFACTORY_CLI, ['version'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}
