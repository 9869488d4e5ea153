/**
 * `epo selfplay`: iterative self-play (rollouts → labels → weights → dataset → training → held-out evaluation), resumable
 * per stage. Single-agent suites (ALFWorld, WebShop, environments brought as modules) and SOTOPIA (the strategist
 * guiding both seats, scored by the SOTOPIA evaluator, labelled by a judge model); `local:` strategists are trained in
 * process, others get a LLaMA-Factory dataset and command and continue with `--next <iteration>=<served spec>`.
 */
import type { Command } from 'commander';
import { selfplayConfig } from '../../config/commands/selfplay.js';
import type { ConfigOf } from '../../config/schema.js';
import { EpoError } from '../../core/errors.js';
import { createLogger, type Logger } from '../../core/log.js';
import type { ModelRef } from '../../core/episode.js';
import { datasetDir } from '../../data/dir.js';
import { ACTION_TYPES, EPO_ACTION_TYPES } from '../../envs/sotopia/episode-rules.js';
import { selectTasks, sharedTasks } from '../../envs/sotopia/task-spec.js';
import { resolveEnvironment } from '../../eval/registry.js';
import { formatEstimate } from '../../eval/stats.js';
import { createModel } from '../../llm/create.js';
import { makeRule } from '../../rewards/returns.js';
import type { Arena } from '../../selfplay/arena.js';
import { selfPlay } from '../../selfplay/selfplay.js';
import { sotopiaArena } from '../../selfplay/sotopia-arena.js';
import { suiteArena } from '../../selfplay/suite-arena.js';
import { ensureRunDir } from '../../store/run-dir.js';
import type { CutoffPolicy } from '../../train/export/fit.js';
import { addConfigOptions, commandConfig, type CommandConfig } from '../config-options.js';
import { interruptible, parseNext } from '../shared.js';
import { createLineProgress } from '../../core/progress.js';
import { commandTracker } from '../tracking.js';
import { parseReportTo } from '../../track/tracker.js';

type Config = ConfigOf<typeof selfplayConfig>;

/** Settings that belong to one family of environments: refused (naming the flag) on the other when given. */
function checkCombos(c: CommandConfig<typeof selfplayConfig>): void {
  const f = c.config;
  const only = (key: keyof Config & string, flag: string, envs: string) => {
    if (c.given(key)) throw new EpoError('BAD_INPUT', `${flag} is for --env ${envs}, not ${f.env}`, { where: flag });
  };
  if (f.env === 'sotopia') {
    if (f.judge === 'env') throw new EpoError('BAD_INPUT', 'SOTOPIA records no environment progress: give --judge a judge model spec (it labels each seat\'s strategies)', { where: '--judge' });
    only('maxSteps', '--max-steps', 'alfworld|webshop (SOTOPIA: --max-turns)');
    only('showAdmissible', '--show-admissible', 'alfworld|webshop');
    for (const [flag, v] of [['--train-tasks', f.trainTasks], ['--eval-tasks', f.evalTasks]] as const) {
      if (!v) throw new EpoError('BAD_INPUT', `${flag} is required for SOTOPIA: a task set (builtin, all, hard, extra) with an optional slice, e.g. --train-tasks builtin:0-3 --eval-tasks builtin:3-5 offline, or --train-tasks extra --eval-tasks hard`, { where: flag });
    }
  } else {
    for (const [key, flag] of [['partner', '--partner'], ['evaluator', '--evaluator'], ['maxTurns', '--max-turns'], ['actionTypes', '--action-types'], ['actorTemperature', '--actor-temperature']] as const) only(key, flag, 'sotopia');
  }
}

/** Single-agent suites (built-in or brought as a module): the training and held-out splits, the actor at temperature 0. */
async function buildSuiteArena(f: Config, log: Logger): Promise<Arena> {
  const { factory } = await resolveEnvironment(f.env);
  const trainSuite = await factory.build({ split: f.trainTasks ?? factory.defaults.trainSplit, data: f.data, seed: f.seed, example: false });
  const evalSuite = await factory.build({ split: f.evalTasks ?? factory.defaults.evalSplit, data: f.data, seed: f.seed, example: false, limit: f.evalLimit });
  const actorRef: ModelRef = { spec: f.actor, temperature: 0, maxTokens: f.maxTokens };
  return suiteArena({
    trainSuite, evalSuite, actor: { model: createModel(f.actor, { logger: log }), ref: actorRef }, concurrency: f.concurrency,
    maxSteps: f.maxSteps, showAdmissible: f.showAdmissible,
  });
}

/** SOTOPIA: task selections, actor (and partner), evaluator (default: the judge). */
function buildSotopiaArena(f: Config, log: Logger): Arena {
  const folder = f.data ? datasetDir('sotopia', f.data) : undefined;
  const train = selectTasks(f.trainTasks!, '--train-tasks', folder);
  const held = selectTasks(f.evalTasks!, '--eval-tasks', folder);
  const evalSet = f.evalLimit ? { ...held, spec: `${held.spec} (first ${f.evalLimit})`, tasks: held.tasks.slice(0, f.evalLimit) } : held;
  const shared = sharedTasks(train, evalSet);
  if (shared.length) log.warn(`${shared.length} held-out task(s) are also training tasks (e.g. ${shared[0]}): the evaluation is not on unseen tasks`);
  const make = (spec: string) => createModel(spec, { logger: log, concurrency: Math.max(8, f.concurrency) });
  const actor = make(f.actor);
  return sotopiaArena({
    train, eval: evalSet, actor, partner: f.partner && f.partner !== f.actor ? make(f.partner) : undefined, evaluator: make(f.evaluator ?? f.judge),
    rules: { maxTurns: f.maxTurns ?? 20, maxStale: 2, actionTypes: f.actionTypes === 'epo' ? EPO_ACTION_TYPES : ACTION_TYPES },
    sampling: { actorTemperature: f.actorTemperature ?? 0.7 }, concurrency: f.concurrency,
  });
}

export function registerSelfplay(program: Command): void {
  const cmd = program.command('selfplay')
    .description('iterative EPO self-play: per iteration rollouts, process-reward labels, weighted dataset, training, held-out evaluation (resumable per stage)');
  addConfigOptions(cmd, selfplayConfig).action(async () => {
    const c = commandConfig(cmd, selfplayConfig, 'epo selfplay');
    if (c.printOnly) return;
    const f = c.config;
    checkCombos(c);
    parseReportTo(f.reportTo); // an unknown tracker is refused before anything runs
    const dir = ensureRunDir(f.run);
    const log = createLogger({ file: dir.log }, { run: f.run });
    const arena = f.env === 'sotopia' ? buildSotopiaArena(f, log) : await buildSuiteArena(f, log);
    const models = new Map<string, ReturnType<typeof createModel>>();
    const tracker = await commandTracker(f.reportTo, { dir: dir.dir, name: f.run, yaml: c.yaml, log });
    const progress = createLineProgress({ say: (l) => log.info(l) });
    const stop = interruptible();
    try {
      const r = await selfPlay({
        run: f.run, arena, strategist: f.strategist, config: c.yaml,
        handoff: { model: f.baseModel, template: f.template, cutoffLen: f.cutoffLen, onCutoff: f.onCutoff as CutoffPolicy },
        makeStrategist: (spec, stage) => {
          const model = models.get(spec) ?? createModel(spec, { logger: log });
          models.set(spec, model);
          return { model, ref: { spec, temperature: stage === 'rollouts' ? f.temperature : f.evalTemperature, maxTokens: f.maxTokens } };
        },
        judge: f.judge === 'env' ? 'env' : createModel(f.judge, { logger: log }),
        rule: makeRule(f.rule, f.gamma !== undefined ? { gamma: f.gamma } : {}),
        iterations: f.iterations, episodes: f.episodes, trials: f.trials, window: f.window,
        train: {
          epochs: f.epochs, lr: f.lr, batchSize: f.batchSize, accum: f.accum, klCoef: f.kl, advantages: f.advantages as 'signed' | 'nonnegative',
          ...(f.maxLen !== undefined ? { maxLen: f.maxLen } : {}), // only when given: older runs keep their fingerprint
        },
        next: parseNext(f.next ?? []), concurrency: f.concurrency, seed: f.seed, signal: stop.signal, log,
        tracker, samples: f.samples, onStageStart: () => progress.end(),
        onProgress: (i, stage, line, done, total) => progress.update(`iteration ${i} ${stage}`, line, done, total),
      });
      progress.end();
      const goal = f.env === 'sotopia';
      const rows = r.state.iterations.filter((it) => it.eval).map((it) => goal
        ? `${String(it.iteration).padEnd(9)}  ${formatEstimate(it.eval!.rate, 10, 2)}  (${it.eval!.rate.n} seats, ${it.eval!.episodes} episodes)  ${it.strategist}`
        : `${String(it.iteration).padEnd(9)}  ${formatEstimate(it.eval!.rate, 100)}  (${it.eval!.successes}/${it.eval!.episodes})  ${it.strategist}`);
      process.stdout.write([goal ? 'iteration  held-out goal 0-10, both seats (95% CI)' : 'iteration  held-out success (95% CI)', ...rows].join('\n') + '\n');
      if (r.waiting) process.stdout.write('waiting for a checkpoint trained outside: see the command above, then re-run with --next\n');
    } finally { progress.end(); await tracker.close(); stop.dispose(); }
  });
}
