/**
 * `epo selfplay`: iterative self-play (rollouts → labels → weights → dataset → training → held-out evaluation), resumable
 * per stage. ALFWorld and WebShop (suites), SOTOPIA (self-play episodes with the strategist guiding both seats, scored
 * by the SOTOPIA evaluator, labelled by a judge model); `local:` strategists are trained in process, others get a LLaMA-Factory dataset
 * and command and continue with `--next <iteration>=<served spec>`.
 */
import type { Command } from 'commander';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import type { ModelRef } from '../../core/episode.js';
import { datasetDir } from '../../data/dir.js';
import { createModel } from '../../llm/create.js';
import { modelRef } from '../../llm/spec.js';
import { makeRule, RULE_NAMES } from '../../rewards/returns.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { formatEstimate } from '../../eval/stats.js';
import '../../agents/sotopia/scripted.js'; // registers scripted:sotopia
import { ACTION_TYPES, EPO_ACTION_TYPES } from '../../envs/sotopia/episode-rules.js';
import { selectTasks, sharedTasks } from '../../envs/sotopia/task-spec.js';
import type { Arena } from '../../train/arena.js';
import { selfPlay, type SelfPlayOptions } from '../../train/selfplay.js';
import { sotopiaArena } from '../../train/sotopia-arena.js';
import { suiteArena } from '../../train/suite-arena.js';
import { TRAIN_DEFAULTS } from '../../train/trainer.js';
import { suites } from './eval.js';
import { interruptible, parseNext } from './demo.js';
import { parseNumber, RULES, type NumberRule } from './num.js';

interface Flags {
  env: string; strategist: string; actor: string; partner?: string; evaluator?: string; judge: string; iterations: string; episodes: string; trials: string;
  trainTasks?: string; evalTasks?: string; evalLimit?: string; run: string; rule: string; gamma?: string; window: string;
  epochs: string; maxLen?: string; lr: string; batchSize: string; accum: string; kl: string; advantages: string; concurrency: string; maxSteps?: string; maxTurns?: string; actionTypes?: string;
  temperature: string; evalTemperature: string; actorTemperature?: string; maxTokens: string; seed: string; showAdmissible?: boolean; next: string[]; data?: string;
}

/** Every numeric flag, checked before any data is loaded or episode played. */
function numbers(f: Flags) {
  const n = (flag: string, v: string | undefined, rule: NumberRule) => parseNumber(flag, v, rule);
  return {
    seed: n('--seed', f.seed, RULES.seed)!, maxTokens: n('--max-tokens', f.maxTokens, RULES.maxTokens)!, concurrency: n('--concurrency', f.concurrency, RULES.concurrency)!,
    temperature: n('--temperature', f.temperature, RULES.temperature), evalTemperature: n('--eval-temperature', f.evalTemperature, RULES.temperature),
    evalLimit: n('--eval-limit', f.evalLimit, RULES.tasks), maxSteps: n('--max-steps', f.maxSteps, RULES.steps), maxTurns: n('--max-turns', f.maxTurns ?? '20', RULES.steps)!,
    actorTemperature: n('--actor-temperature', f.actorTemperature ?? '0.7', RULES.temperature),
    gamma: n('--gamma', f.gamma, RULES.fraction), iterations: n('--iterations', f.iterations, RULES.iterations)!, episodes: n('--episodes', f.episodes, RULES.episodes)!,
    trials: n('--trials', f.trials, RULES.trials), window: n('--window', f.window, RULES.iterations),
    // in this key order (the run's fingerprint hashes it); maxLen only when given, so older runs keep their fingerprint
    train: {
      epochs: n('--epochs', f.epochs, RULES.epochs), lr: n('--lr', f.lr, RULES.learningRate), batchSize: n('--batch-size', f.batchSize, RULES.batch),
      accum: n('--accum', f.accum, RULES.batch), klCoef: n('--kl', f.kl, RULES.kl), advantages: f.advantages as 'signed' | 'nonnegative',
      ...(f.maxLen ? { maxLen: n('--max-len', f.maxLen, RULES.maxLen) } : {}),
    },
  };
}
type Nums = ReturnType<typeof numbers>;

/** Flags that belong to one family of environments: refused (naming the flag) on the other. */
function checkCombos(f: Flags): void {
  const only = (flag: string, given: unknown, envs: string) => {
    if (given !== undefined && given !== false) throw new EpoError('BAD_INPUT', `${flag} is for --env ${envs}, not ${f.env}`, { where: flag });
  };
  if (f.env === 'sotopia') {
    if (f.judge === 'env') throw new EpoError('BAD_INPUT', 'SOTOPIA records no environment progress: give --judge a judge model spec (it labels each seat\'s strategies)', { where: '--judge' });
    only('--max-steps', f.maxSteps, 'alfworld|webshop (SOTOPIA: --max-turns)');
    only('--show-admissible', f.showAdmissible, 'alfworld|webshop');
    for (const [flag, v] of [['--train-tasks', f.trainTasks], ['--eval-tasks', f.evalTasks]] as const) {
      if (!v) throw new EpoError('BAD_INPUT', `${flag} is required for SOTOPIA: a task set (builtin, all, hard, extra) with an optional slice, e.g. --train-tasks builtin:0-3 --eval-tasks builtin:3-5 offline, or --train-tasks extra --eval-tasks hard`, { where: flag });
    }
  } else {
    for (const [flag, v] of [['--partner', f.partner], ['--evaluator', f.evaluator], ['--max-turns', f.maxTurns], ['--action-types', f.actionTypes], ['--actor-temperature', f.actorTemperature]] as const) only(flag, v, 'sotopia');
  }
}

/** ALFWorld/WebShop: suites of the splits, the actor at temperature 0. */
async function buildSuiteArena(f: Flags, n: Nums, log: ReturnType<typeof createLogger>): Promise<Pick<SelfPlayOptions, 'arena'>> {
  const { seed, maxTokens } = n;
  const build = suites[f.env];
  if (!build) throw new EpoError('BAD_INPUT', `--env must be alfworld, webshop or sotopia, got "${f.env}"`, { where: '--env' });
  const trainSuite = await build.build({ split: f.trainTasks ?? 'valid_train', data: f.data, seed, example: false });
  const evalSuite = await build.build({ split: f.evalTasks ?? 'valid_seen', data: f.data, seed, example: false, limit: n.evalLimit });
  const actorRef: ModelRef = modelRef(f.actor, { temperature: 0, maxTokens });
  return {
    arena: suiteArena({
      trainSuite, evalSuite, actor: { model: createModel(f.actor, { logger: log }), ref: actorRef }, concurrency: n.concurrency,
      maxSteps: n.maxSteps, showAdmissible: !!f.showAdmissible,
    }),
  };
}

/** SOTOPIA: task selections, actor (and partner), evaluator (default: the judge). */
function buildSotopiaArena(f: Flags, n: Nums, log: ReturnType<typeof createLogger>): Arena {
  const folder = f.data ? datasetDir('sotopia', f.data) : undefined;
  const train = selectTasks(f.trainTasks!, '--train-tasks', folder);
  const held = selectTasks(f.evalTasks!, '--eval-tasks', folder);
  const limit = n.evalLimit;
  const evalSet = limit ? { ...held, spec: `${held.spec} (first ${limit})`, tasks: held.tasks.slice(0, limit) } : held;
  const shared = sharedTasks(train, evalSet);
  if (shared.length) log.warn(`${shared.length} held-out task(s) are also training tasks (e.g. ${shared[0]}): the evaluation is not on unseen tasks`);
  const concurrency = n.concurrency;
  const actions = f.actionTypes ?? 'full';
  if (actions !== 'full' && actions !== 'epo') throw new EpoError('BAD_INPUT', `--action-types must be full or epo, got "${actions}"`, { where: '--action-types' });
  const make = (spec: string) => createModel(spec, { logger: log, concurrency: Math.max(8, concurrency) });
  const actor = make(f.actor);
  return sotopiaArena({
    train, eval: evalSet, actor, partner: f.partner && f.partner !== f.actor ? make(f.partner) : undefined, evaluator: make(f.evaluator ?? f.judge),
    rules: { maxTurns: n.maxTurns, maxStale: 2, actionTypes: actions === 'epo' ? EPO_ACTION_TYPES : ACTION_TYPES },
    sampling: { actorTemperature: n.actorTemperature }, concurrency,
  });
}

export function registerSelfplay(program: Command): void {
  program.command('selfplay')
    .description('iterative EPO self-play: per iteration rollouts, process-reward labels, weighted dataset, training, held-out evaluation (resumable per stage)')
    .requiredOption('--env <name>', 'alfworld, webshop or sotopia')
    .requiredOption('--strategist <spec>', 'starting strategist (local:DIR is trained in process)')
    .requiredOption('--actor <spec>', 'actor model (e.g. scripted:rule-actor with --show-admissible, or any LLM); in SOTOPIA it acts both seats')
    .option('--partner <spec>', 'SOTOPIA: actor model of seat 1 (default: --actor); the strategist guides both seats either way')
    .option('--judge <env|spec>', 'process rewards: env (environment progress; ALFWorld/WebShop) or a judge model spec (required for SOTOPIA)', 'env')
    .option('--evaluator <spec>', 'SOTOPIA: the 7-dimension evaluator that scores each episode (default: the --judge model)')
    .option('--iterations <n>', 'self-play iterations', '3')
    .option('--episodes <n>', 'training episodes per iteration', '64')
    .option('--trials <n>', 'rollouts per training task (a group for --rule baseline|grpo)', '1')
    .option('--train-tasks <tasks>', 'training tasks: a split or folder (default valid_train); SOTOPIA (required): builtin|all|hard|extra[:FROM-TO], e.g. builtin:0-3, extra, all:0-300')
    .option('--eval-tasks <tasks>', 'held-out tasks: a split or folder (default valid_seen); SOTOPIA (required): as --train-tasks, e.g. builtin:3-5, hard, all:300-')
    .option('--eval-limit <n>', 'first N held-out tasks')
    .option('--run <name>', 'run name', 'selfplay')
    .option('--rule <name>', `return rule: ${RULE_NAMES.join(', ')}`, 'reference')
    .option('--gamma <x>', 'discount of the return rule')
    .option('--window <n>', 'train on the rollouts of the last N iterations', '1')
    .option('--epochs <n>', 'epochs per iteration', '2')
    .option('--max-len <n>', `training: tokens per strategist chat, later turns dropped (default ${TRAIN_DEFAULTS.maxLen}; SOTOPIA chats are longer, and the local model's context caps it)`)
    .option('--lr <x>', 'peak learning rate', String(TRAIN_DEFAULTS.lr))
    .option('--batch-size <n>', 'examples per micro-batch', String(TRAIN_DEFAULTS.batchSize))
    .option('--accum <n>', 'micro-batches per optimizer step', '1')
    .option('--kl <beta>', 'KL penalty to the starting model (0: off)', '0')
    .option('--advantages <mode>', 'signed (weights as the rule gives them) or nonnegative', 'signed')
    .option('--concurrency <n>', 'episodes in flight', '16')
    .option('--max-steps <n>', 'step limit per episode (ALFWorld/WebShop)')
    .option('--max-turns <n>', 'SOTOPIA: turns per episode, both seats together (default 20)')
    .option('--action-types <set>', 'SOTOPIA: full (none, speak, non-verbal communication, action, leave; default) or epo (none, speak, leave, as the reference fork)')
    .option('--temperature <x>', 'strategist sampling temperature in rollouts', '1')
    .option('--eval-temperature <x>', 'strategist sampling temperature in evaluations', '0.7')
    .option('--actor-temperature <x>', 'SOTOPIA: actor sampling temperature (default 0.7; ALFWorld/WebShop actors run at 0)')
    .option('--max-tokens <n>', 'token budget per call (SOTOPIA: strategist calls; the actor keeps its JSON budget)', '128')
    .option('--show-admissible', 'offer the available actions to the actor (needed by scripted:rule-actor)')
    .option('--next <iteration=spec>', 'the served checkpoint of an iteration trained outside (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--data <dir>', 'data root holding alfworld/, webshop/ and sotopia/ (default: EPO_DATA_DIR or ~/.cache/epo/data)')
    .option('--seed <n>', 'seed', '0')
    .action(async (f: Flags) => {
      if (f.env !== 'sotopia' && !suites[f.env]) throw new EpoError('BAD_INPUT', `--env must be alfworld, webshop or sotopia, got "${f.env}"`, { where: '--env' });
      checkCombos(f);
      const n = numbers(f);
      const { seed, maxTokens, temperature, evalTemperature } = n;
      if (f.advantages !== 'signed' && f.advantages !== 'nonnegative') throw new EpoError('BAD_INPUT', '--advantages must be signed or nonnegative', { where: '--advantages' });
      const next = parseNext(f.next);
      const dir = ensureRunDir(f.run);
      const log = createLogger({ file: dir.log }, { run: f.run });
      const { arena } = f.env === 'sotopia' ? { arena: buildSotopiaArena(f, n, log) } : await buildSuiteArena(f, n, log);
      const models = new Map<string, ReturnType<typeof createModel>>();
      const stop = interruptible();
      try {
        const r = await selfPlay({
          run: f.run, arena, strategist: f.strategist,
          makeStrategist: (spec, stage) => {
            const model = models.get(spec) ?? createModel(spec, { logger: log });
            models.set(spec, model);
            return { model, ref: modelRef(spec, { temperature: stage === 'rollouts' ? temperature : evalTemperature, maxTokens }) };
          },
          judge: f.judge === 'env' ? 'env' : createModel(f.judge, { logger: log }),
          rule: makeRule(f.rule, f.gamma ? { gamma: n.gamma } : {}),
          iterations: n.iterations, episodes: n.episodes, trials: n.trials, window: n.window,
          train: n.train,
          next, concurrency: n.concurrency, seed, signal: stop.signal, log,
        });
        const goal = f.env === 'sotopia';
        const rows = r.state.iterations.filter((it) => it.eval).map((it) => goal
          ? `${String(it.iteration).padEnd(9)}  ${formatEstimate(it.eval!.rate, 10, 2)}  (${it.eval!.rate.n} seats, ${it.eval!.episodes} episodes)  ${it.strategist}`
          : `${String(it.iteration).padEnd(9)}  ${formatEstimate(it.eval!.rate, 100)}  (${it.eval!.successes}/${it.eval!.episodes})  ${it.strategist}`);
        process.stdout.write([goal ? 'iteration  held-out goal 0-10, both seats (95% CI)' : 'iteration  held-out success (95% CI)', ...rows].join('\n') + '\n');
        if (r.waiting) process.stdout.write('waiting for a checkpoint trained outside: see the command above, then re-run with --next\n');
      } finally { stop.dispose(); }
    });
}
