/**
 * `epo eval sotopia`: the SOTOPIA benchmark (self-play or fixed partner, all or hard tasks), resumable, printing the
 * seven dimensions and overall with 95% intervals; `epo sotopia transcript`: one episode as a readable transcript.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { createLogger } from '../../core/log.js';
import { EpoError } from '../../core/errors.js';
import type { Call, Episode, ModelRef } from '../../core/episode.js';
import { createModel } from '../../llm/create.js';
import { modelRef } from '../../llm/spec.js';
import { UsageMeter } from '../../llm/usage.js';
import { tasksOf, type TaskSet } from '../../envs/sotopia/data.js';
import { loadTaskSet } from '../../envs/sotopia/task-spec.js';
import { ACTION_TYPES, EPO_ACTION_TYPES, type EpisodeRules } from '../../envs/sotopia/episode-rules.js';
import { OFFICIAL_HARD_LIST, type HardEntry } from '../../envs/sotopia/hard.js';
import { aggregateSotopia, formatSotopiaTable, planSotopia } from '../../eval/sotopia.js';
import type { Seat } from '../../rollout/sotopia.js';
import { failureLine, parseShard, shardItems } from '../../rollout/scheduler.js';
import { runSotopia } from '../../eval/sotopia-run.js';
import { ensureRunDir, existingRunDir } from '../../store/run-dir.js';
import { interruptible } from '../shared.js';
import { showEpisode } from '../show-episode.js';
import { lockRun } from '../../store/run-lock.js';
import { RunStore } from '../../store/run-store.js';
import { parseNumber, RULES, type NumberRule } from '../num.js';
import { checkOutputFile, writeOutputFile } from '../output-file.js';

interface EvalOptions {
  tasks: string;
  model: string;
  partner?: string;
  evaluator: string;
  strategist?: string;
  partnerStrategist?: string;
  seats: string;
  trials: string;
  concurrency: string;
  run: string;
  summary?: string;
  data?: string;
  actionTypes: string;
  maxTurns: string;
  seed: string;
  limit?: string;
  timeout?: string;
  temperature: string;
  strategistTemperature: string;
  systemRole: boolean;
  shard?: string;
}

const num = (v: string, flag: string, rule: NumberRule): number => parseNumber(flag, v, rule)!;

/** The progress figure of an episode: the tested seats' goal, or "unevaluated" when the evaluator gave no scores. */
export const goalText = (e: Episode): string => (e.outcome.evaluated ? (e.outcome.reward * 10).toFixed(1) : 'unevaluated');

async function runSotopiaEval(o: EvalOptions): Promise<void> {
  if (!['all', 'hard', 'builtin', 'extra'].includes(o.tasks)) throw new EpoError('BAD_INPUT', `--tasks must be all, hard, builtin or extra, got "${o.tasks}"`, { where: '--tasks' });
  if (!['both', '0', '1'].includes(o.seats)) throw new EpoError('BAD_INPUT', `--seats must be both, 0 or 1, got "${o.seats}"`, { where: '--seats' });
  if (!['full', 'epo'].includes(o.actionTypes)) throw new EpoError('BAD_INPUT', `--action-types must be full or epo`, { where: '--action-types' });
  const taskSet = o.tasks as TaskSet;
  const partnerSpec = o.partner ?? o.model;
  const selfPlay = partnerSpec === o.model && (o.partnerStrategist === undefined || o.partnerStrategist === o.strategist);
  const partnerStrategistSpec = selfPlay ? o.strategist : o.partnerStrategist;
  const seats: Seat[] = o.seats === 'both' ? [0, 1] : [Number(o.seats) as Seat];
  const trials = num(o.trials, '--trials', RULES.trials), concurrency = num(o.concurrency, '--concurrency', RULES.concurrency), seed = num(o.seed, '--seed', RULES.seed);
  const rules: EpisodeRules = { maxTurns: num(o.maxTurns, '--max-turns', RULES.steps), maxStale: 2, actionTypes: o.actionTypes === 'epo' ? EPO_ACTION_TYPES : ACTION_TYPES };
  const sampling = { actorTemperature: num(o.temperature, '--temperature', RULES.temperature), strategistTemperature: num(o.strategistTemperature, '--strategist-temperature', RULES.temperature), systemRole: o.systemRole };
  const limit = o.limit === undefined ? undefined : num(o.limit, '--limit', RULES.tasks);
  const timeoutMs = o.timeout === undefined ? undefined : num(o.timeout, '--timeout', RULES.timeoutSeconds) * 1000;
  const shard = o.shard ? parseShard(o.shard) : undefined;
  if (o.summary) checkOutputFile(o.summary, '--summary'); // before hours of episodes, not after

  const data = loadTaskSet(taskSet, o.data);
  let tasks = tasksOf(data, taskSet);
  if (limit !== undefined) tasks = tasks.slice(0, limit);
  const plan = shardItems(planSotopia(tasks, { selfPlay, seats, taskSet, trials, hard: data.hard }), shard);

  const rd = ensureRunDir(o.run);
  const log = createLogger({ file: rd.log });
  const meter = new UsageMeter();
  const make = (spec: string, role: string) => createModel(spec, { usage: { meter, role }, logger: log, concurrency: Math.max(8, concurrency) });
  const tested = make(o.model, 'actor');
  const partner = selfPlay ? tested : make(partnerSpec, 'partner');
  const evaluator = make(o.evaluator, 'evaluator');
  const strategist = o.strategist ? make(o.strategist, 'strategist') : undefined;
  const partnerStrategist = partnerStrategistSpec ? (partnerStrategistSpec === o.strategist ? strategist : make(partnerStrategistSpec, 'partner_strategist')) : undefined;
  const ref = (spec: string, temperature?: number): ModelRef => modelRef(spec, temperature !== undefined ? { temperature } : {});
  const models: Record<string, ModelRef> = {
    actor: ref(o.model, sampling.actorTemperature), partner: ref(partnerSpec, sampling.actorTemperature), evaluator: ref(o.evaluator, 0),
    ...(o.strategist ? { strategist: ref(o.strategist, sampling.strategistTemperature) } : {}),
    ...(partnerStrategistSpec ? { partner_strategist: ref(partnerStrategistSpec, sampling.strategistTemperature) } : {}),
  };

  if (selfPlay && o.seats !== 'both') log.warn('--seats is ignored in self-play: the tested model holds both seats');
  const protocol = selfPlay ? 'self-play' : `fixed partner, tested seat${seats.length > 1 ? 's 0 and 1' : ' ' + seats[0]}`;
  const config = { env: 'sotopia', taskSet, models, selfPlay, seats, trials, seed, rules: { ...rules }, dataVersion: data.version, limit: o.limit ?? null, systemRole: o.systemRole, shard: o.shard ?? null };
  const lock = lockRun(rd); // one writer per run: a second process would play (and pay for) the same episodes
  const stop = interruptible();
  try {
    log.info(`sotopia: ${plan.size} episodes (${tasks.length} tasks × ${trials} trial(s), ${protocol}), data ${data.version}, run ${o.run}`);
    const r = await runSotopia({
      run: o.run, plan, config, mayChange: ['trials'], hard: data.hard, models, rules, sampling, seed, dataVersion: data.version, evaluator,
      task: (combo) => ({ scenario: data.scenarios.get(combo.scenarioId)!, characters: [data.characters.get(combo.characterIds[0])!, data.characters.get(combo.characterIds[1])!] }),
      seats: (item) => {
        const agentsFor = (s: Seat) => (item.testSeats.includes(s) ? { actor: tested, strategist } : { actor: partner, strategist: partnerStrategist });
        return [agentsFor(0), agentsFor(1)];
      },
      concurrency, timeoutMs, signal: stop.signal, log, keep: forReport,
      onEpisode: (e, st) => log.info(`[${st.skipped + st.finished}/${st.total}] ${e.id} ${e.outcome.reason} turns=${e.turns.length} goal(tested)=${goalText(e)}`),
    });
    if (r.interrupted) throw new EpoError('INTERRUPTED', `interrupted after ${r.stats.finished} new episodes; run the same command to resume`, { where: rd.dir });
    const summaryPath = printReport(r.episodes, { ...config, protocol, planned: plan.size, failed: r.stats.errors }, data.hard, o.summary ?? join(rd.dir, 'sotopia-summary.json'));
    if (r.stats.failed) {
      process.stdout.write(`\n${failureLine(r.stats)}\n`);
      process.exitCode = 1;
    }
    log.info(`summary written to ${summaryPath}`);
  } finally {
    stop.dispose();
    lock.release();
  }
}

interface StoredConfig {
  taskSet: TaskSet;
  models: Record<string, ModelRef>;
  selfPlay: boolean;
  seats: Seat[];
  protocol?: string;
  planned?: number;
  [key: string]: unknown;
}

/** An episode without its prompts (the report needs scores, usage and parse flags): keeps memory flat on big runs. */
function forReport(e: Episode): Episode {
  const light = (c?: Call): Call | undefined => c && { input: [], output: '', ...(c.usage ? { usage: c.usage } : {}), ...(c.parseError ? { parseError: c.parseError } : {}) };
  return { ...e, task: { scenarioId: e.task.scenarioId, testSeats: e.task.testSeats }, turns: e.turns.map((t) => ({ ...t, strategist: light(t.strategist), actor: light(t.actor) })) };
}

/** The settings a SOTOPIA result is only comparable under, as lines for the table. */
function reportDetails(c: StoredConfig): string[] {
  const m = (k: string) => (c.models[k] ? `${k} ${c.models[k].spec}${c.models[k].temperature !== undefined ? ` (T=${c.models[k].temperature})` : ''}` : undefined);
  const rules = c.rules as EpisodeRules | undefined;
  const facts = [
    c.dataVersion && `data ${String(c.dataVersion)}`, `tasks ${c.taskSet}${c.limit ? ` (first ${String(c.limit)})` : ''}`,
    rules && `max turns ${rules.maxTurns}`, rules && `actions ${rules.actionTypes.join('/')}`,
    c.seed !== undefined && `seed ${String(c.seed)}`, c.trials !== undefined && `trials ${String(c.trials)}`, c.shard ? `shard ${String(c.shard)}` : undefined,
  ].filter(Boolean);
  return [`models: ${['actor', 'strategist', 'partner', 'partner_strategist'].map(m).filter(Boolean).join('; ')}`, facts.join('; ')];
}

/** Aggregate, print the table, write the summary JSON; returns the summary path. */
function printReport(episodes: Episode[], config: StoredConfig, hard: readonly HardEntry[], summaryPath: string): string {
  const protocol = config.protocol ?? (config.selfPlay ? 'self-play' : `fixed partner, tested seat${config.seats.length > 1 ? 's 0 and 1' : ' ' + config.seats[0]}`);
  const report = aggregateSotopia(episodes, hard, config.selfPlay);
  const table = formatSotopiaTable(report, {
    tested: config.models.actor.spec, partner: config.selfPlay ? undefined : config.models.partner?.spec, evaluator: config.models.evaluator.spec, protocol, taskSet: config.taskSet,
    details: reportDetails(config),
  });
  process.stdout.write(table + '\n');
  const summary = { ...config, protocol, missing: config.planned !== undefined ? config.planned - episodes.length : undefined, report, table };
  writeOutputFile(summaryPath, JSON.stringify(summary, null, 2) + '\n', '--summary');
  return summaryPath;
}

export function registerSotopiaEval(evalCmd: Command): void {
  evalCmd.command('sotopia')
    .description('SOTOPIA benchmark: two-seat social episodes scored on 7 dimensions by an LLM evaluator (resumable)')
    .option('--tasks <set>', 'all (450 tasks), hard (the 14 hard scenarios), builtin (the project\'s offline set) or extra (303 training scenarios, 2,760 tasks; folder installs)', 'all')
    .requiredOption('--model <spec>', 'the tested actor model')
    .option('--partner <spec>', 'the partner actor model (default: the tested model, i.e. self-play)')
    .requiredOption('--evaluator <spec>', 'the judge model (run at temperature 0)')
    .option('--strategist <spec>', 'strategist guiding the tested seat(s) (default: none)')
    .option('--partner-strategist <spec>', 'strategist guiding the partner (default: none; in self-play the same as --strategist)')
    .option('--seats <which>', 'seats the tested model takes against a fixed partner: both, 0 or 1', 'both')
    .option('--trials <n>', 'episodes per task and seat', '1')
    .option('--concurrency <n>', 'episodes in flight', '4')
    .requiredOption('--run <name>', 'run name (folder under runs/); the same name resumes')
    .option('--summary <file>', 'write the summary JSON here (default runs/<name>/sotopia-summary.json)')
    .option('--data <dir>', 'SOTOPIA data folder (default: the installed copy)')
    .option('--action-types <set>', 'full (none, speak, non-verbal communication, action, leave) or epo (none, speak, leave)', 'full')
    .option('--max-turns <n>', 'turns per episode (both seats together)', '20')
    .option('--seed <n>', 'base seed', '0')
    .option('--limit <n>', 'only the first n tasks (smoke runs)')
    .option('--shard <i/n>', 'run only shard i of n (0-based) of the planned episodes, e.g. one per machine')
    .option('--timeout <seconds>', 'abort an episode after this long (> 0); it is not stored and is played again on the next run')
    .option('--temperature <t>', 'actor sampling temperature', '0.7')
    .option('--strategist-temperature <t>', 'strategist sampling temperature', '0.7')
    .option('--no-system-role', 'put instructions in the first user message (for chat templates without a system role)')
    .action((o: EvalOptions) => runSotopiaEval(o));
}

/** `epo eval sotopia` (creating a minimal `eval` group when no other command made one) and `epo sotopia transcript`
 *  (kept as another name of `epo episodes show`). */
export function registerSotopia(program: Command): void {
  const evalCmd = program.commands.find((c) => c.name() === 'eval') ?? program.command('eval').description('run benchmarks and print metrics with 95% confidence intervals');
  registerSotopiaEval(evalCmd);
  const sot = program.command('sotopia').description('SOTOPIA tools');
  sot.command('report')
    .description('print the results table of a SOTOPIA run from its store (no model calls)')
    .requiredOption('--run <name>', 'run name')
    .option('--summary <file>', 'write the summary JSON here (default runs/<name>/sotopia-summary.json)')
    .action((o: { run: string; summary?: string }) => {
      const r = existingRunDir(o.run);
      const store = RunStore.open(r.store);
      try {
        const episodes: Episode[] = [];
        for (const e of store.episodes()) if (e.env === 'sotopia') episodes.push(forReport(e));
        // Runs assembled with `epo episodes import` (e.g. shards) have no stored configuration: read it off the episodes.
        const first = episodes[0];
        const config = store.getMeta<StoredConfig>('sotopia') ?? (first && {
          taskSet: 'all', models: first.models, selfPlay: ((first.task as { testSeats?: Seat[] }).testSeats ?? []).length === 2,
          seats: [...new Set(episodes.flatMap((e) => (e.task as { testSeats?: Seat[] }).testSeats ?? []))].sort(),
        });
        if (!config) throw new EpoError('NOT_FOUND', `run "${o.run}" holds no SOTOPIA episodes`, { where: r.store });
        printReport(episodes, config, store.getMeta<HardEntry[]>('sotopia_hard') ?? [...OFFICIAL_HARD_LIST], o.summary ?? join(r.dir, 'sotopia-summary.json'));
      } finally { store.close(); }
    });
  sot.command('transcript')
    .description('print an episode as a readable transcript with strategies beside the actions and the scores (any environment: the same as `epo episodes show`)')
    .requiredOption('--run <name>', 'run name')
    .requiredOption('--id <episode>', 'episode id (see `epo episodes list`)')
    .option('--reasoning', 'also print the evaluator\'s reasoning per dimension')
    .action((o: { run: string; id: string; reasoning?: boolean }) => { process.stdout.write(showEpisode(o)); });
}
