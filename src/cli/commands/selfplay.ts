/**
 * `epo selfplay`: iterative self-play (rollouts → labels → weights → dataset → training → held-out evaluation), resumable
 * per stage. ALFWorld and WebShop; `local:` strategists are trained in process, others get a LLaMA-Factory dataset
 * and command and continue with `--next <iteration>=<served spec>`.
 */
import type { Command } from 'commander';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import type { ModelRef } from '../../core/episode.js';
import { createModel } from '../../llm/create.js';
import { makeRule, RULE_NAMES } from '../../rewards/returns.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { formatEstimate } from '../../eval/stats.js';
import { selfPlay } from '../../train/selfplay.js';
import { TRAIN_DEFAULTS } from '../../train/trainer.js';
import { suites } from './eval.js';
import { interruptible } from './demo.js';
import { parseNumber } from './num.js';

interface Flags {
  env: string; strategist: string; actor: string; partner?: string; judge: string; iterations: string; episodes: string; trials: string;
  trainTasks: string; evalTasks: string; trainLimit?: string; evalLimit?: string; run: string; rule: string; gamma?: string; window: string;
  epochs: string; lr: string; batchSize: string; accum: string; kl: string; advantages: string; concurrency: string; maxSteps?: string;
  temperature: string; evalTemperature: string; maxTokens: string; seed: string; showAdmissible?: boolean; next: string[]; data?: string;
}

export function registerSelfplay(program: Command): void {
  program.command('selfplay')
    .description('iterative EPO self-play: per iteration rollouts, process-reward labels, weighted dataset, training, held-out evaluation (resumable per stage)')
    .requiredOption('--env <name>', 'alfworld or webshop')
    .requiredOption('--strategist <spec>', 'starting strategist (local:DIR is trained in process)')
    .requiredOption('--actor <spec>', 'actor model (e.g. scripted:rule-actor with --show-admissible, or any LLM)')
    .option('--partner <spec>', 'SOTOPIA partner (not supported by this command yet)')
    .option('--judge <env|spec>', 'process rewards: env (environment progress) or a judge model spec', 'env')
    .option('--iterations <n>', 'self-play iterations', '3')
    .option('--episodes <n>', 'training episodes per iteration', '64')
    .option('--trials <n>', 'rollouts per training task (a group for --rule baseline|grpo)', '1')
    .option('--train-tasks <split>', 'split (or folder) of training tasks', 'valid_train')
    .option('--eval-tasks <split>', 'split (or folder) of held-out tasks', 'valid_seen')
    .option('--eval-limit <n>', 'first N held-out tasks')
    .option('--run <name>', 'run name', 'selfplay')
    .option('--rule <name>', `return rule: ${RULE_NAMES.join(', ')}`, 'reference')
    .option('--gamma <x>', 'discount of the return rule')
    .option('--window <n>', 'train on the rollouts of the last N iterations', '1')
    .option('--epochs <n>', 'epochs per iteration', '2')
    .option('--lr <x>', 'peak learning rate', String(TRAIN_DEFAULTS.lr))
    .option('--batch-size <n>', 'examples per micro-batch', String(TRAIN_DEFAULTS.batchSize))
    .option('--accum <n>', 'micro-batches per optimizer step', '1')
    .option('--kl <beta>', 'KL penalty to the starting model (0: off)', '0')
    .option('--advantages <mode>', 'signed (weights as the rule gives them) or nonnegative', 'signed')
    .option('--concurrency <n>', 'episodes in flight', '16')
    .option('--max-steps <n>', 'step limit per episode')
    .option('--temperature <x>', 'strategist sampling temperature in rollouts', '1')
    .option('--eval-temperature <x>', 'strategist sampling temperature in evaluations', '0.7')
    .option('--max-tokens <n>', 'token budget per call', '128')
    .option('--show-admissible', 'offer the available actions to the actor (needed by scripted:rule-actor)')
    .option('--next <iteration=spec>', 'the served checkpoint of an iteration trained outside (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--data <dir>', 'data root')
    .option('--seed <n>', 'seed', '0')
    .action(async (f: Flags) => {
      if (f.env === 'sotopia') throw new EpoError('BAD_INPUT', 'selfplay for SOTOPIA is not wired yet: use epo sotopia, epo label, epo dataset build and epo train per iteration', { where: '--env' });
      const build = suites[f.env];
      if (!build) throw new EpoError('BAD_INPUT', `--env must be alfworld or webshop, got "${f.env}"`, { where: '--env' });
      const n = (flag: string, v: string | undefined, o: { integer?: boolean; min?: number } = {}) => parseNumber(flag, v, o);
      const seed = n('--seed', f.seed, { integer: true, min: 0 })!;
      const trainSuite = await build.build({ split: f.trainTasks, data: f.data, seed, example: false });
      const evalSuite = await build.build({ split: f.evalTasks, data: f.data, seed, example: false, limit: n('--eval-limit', f.evalLimit, { integer: true, min: 1 }) });
      const dir = ensureRunDir(f.run);
      const log = createLogger({ file: dir.log }, { run: f.run });
      const maxTokens = n('--max-tokens', f.maxTokens, { integer: true, min: 1 })!;
      const actorModel = createModel(f.actor, { logger: log });
      const actorRef: ModelRef = { spec: f.actor, temperature: 0, maxTokens };
      const next: Record<number, string> = {};
      for (const kv of f.next) {
        const m = /^(\d+)=(.+)$/.exec(kv);
        if (!m) throw new EpoError('BAD_INPUT', `expected <iteration>=<spec>, got "${kv}"`, { where: '--next' });
        next[Number(m[1])] = m[2];
      }
      if (f.advantages !== 'signed' && f.advantages !== 'nonnegative') throw new EpoError('BAD_INPUT', '--advantages must be signed or nonnegative', { where: '--advantages' });
      const models = new Map<string, ReturnType<typeof createModel>>();
      const stop = interruptible();
      try {
        const r = await selfPlay({
          run: f.run, trainSuite, evalSuite, strategist: f.strategist, actor: { model: actorModel, ref: actorRef },
          makeStrategist: (spec, stage) => {
            const model = models.get(spec) ?? createModel(spec, { logger: log });
            models.set(spec, model);
            return { model, ref: { spec, temperature: n(stage === 'rollouts' ? '--temperature' : '--eval-temperature', stage === 'rollouts' ? f.temperature : f.evalTemperature, { min: 0 }), maxTokens } };
          },
          judge: f.judge === 'env' ? 'env' : createModel(f.judge, { logger: log }),
          rule: makeRule(f.rule, f.gamma ? { gamma: n('--gamma', f.gamma, { min: 0 }) } : {}),
          iterations: n('--iterations', f.iterations, { integer: true, min: 1 })!, episodes: n('--episodes', f.episodes, { integer: true, min: 1 })!,
          trials: n('--trials', f.trials, { integer: true, min: 1 }), window: n('--window', f.window, { integer: true, min: 1 }),
          train: {
            epochs: n('--epochs', f.epochs, { min: 0 }), lr: n('--lr', f.lr, { min: 0 }), batchSize: n('--batch-size', f.batchSize, { integer: true, min: 1 }),
            accum: n('--accum', f.accum, { integer: true, min: 1 }), klCoef: n('--kl', f.kl, { min: 0 }), advantages: f.advantages,
          },
          next, concurrency: n('--concurrency', f.concurrency, { integer: true, min: 1 })!, maxSteps: n('--max-steps', f.maxSteps, { integer: true, min: 1 }),
          showAdmissible: !!f.showAdmissible, seed, signal: stop.signal, log,
        });
        const rows = r.state.iterations.filter((it) => it.eval).map((it) => `${String(it.iteration).padEnd(9)}  ${formatEstimate(it.eval!.rate, 100)}  (${it.eval!.successes}/${it.eval!.episodes})  ${it.strategist}`);
        process.stdout.write(['iteration  held-out success (95% CI)', ...rows].join('\n') + '\n');
        if (r.waiting) process.stdout.write('waiting for a checkpoint trained outside: see the command above, then re-run with --next\n');
      } finally { stop.dispose(); }
    });
}
