/**
 * `epo eval alfworld|webshop`: run the strategist ⇄ actor loop over a benchmark split into a run, print the results
 * table and write the summary JSON. `epo runs merge` joins the shards of one evaluation; `epo runs report` re-prints
 * a run's table. Everything here is wiring: suites, models and the run live in the layers below.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { redact } from '../../core/secrets.js';
import { createModel } from '../../llm/create.js';
import { modelRef } from '../../llm/spec.js';
import { UsageMeter } from '../../llm/usage.js';
import { evaluate, summariseRun } from '../../eval/evaluate.js';
import { formatTable, summaryJson, type Summary } from '../../eval/report.js';
import type { Suite } from '../../eval/suite.js';
import { MODES, type Mode, type RoleModel } from '../../rollout/episode.js';
import { failureLine, parseShard } from '../../rollout/scheduler.js';
import { mergeRuns } from '../../store/merge.js';
import { ensureRunDir, runDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';
import { skippedDamage } from '../damaged.js';
import { parseNumber, RULES, type NumberRule } from '../num.js';
import { checkOutputFile, writeOutputFile } from '../output-file.js';
import type { AlfworldSuiteOptions } from '../../eval/suites/alfworld.js';
import type { WebshopSuiteOptions } from '../../eval/suites/webshop.js';

/** What the eval command hands to a suite builder: the union of the suites' options. */
export type SuiteOptions = AlfworldSuiteOptions & WebshopSuiteOptions;

export const suites: Record<string, { describe: string; build(o: SuiteOptions): Promise<Suite<any>> }> = {
  alfworld: {
    describe: 'ALFWorld text household games (success overall and per task type)',
    build: async (o) => (await import('../../eval/suites/alfworld.js')).alfworldSuite(o),
  },
  webshop: {
    describe: 'WebShop (average reward ×100, success = reward 1.0)',
    build: async (o) => (await import('../../eval/suites/webshop.js')).webshopSuite(o),
  },
};

interface EvalFlags {
  strategist?: string;
  actor?: string;
  mode: string;
  split?: string;
  limit?: string;
  types?: string;
  order?: string;
  concurrency: string;
  maxSteps?: string;
  trials: string;
  seed: string;
  run?: string;
  summary?: string;
  shard?: string;
  timeout: string;
  temperature: string;
  topP?: string;
  maxTokens: string;
  strategistTemperature?: string;
  actorTemperature?: string;
  showAdmissible?: boolean;
  systemRole: boolean;
  example: boolean;
  data?: string;
  quiet?: boolean;
}

const num = (v: string | undefined, flag: string, rule: NumberRule): number | undefined => parseNumber(flag, v, rule);

export function registerEval(program: Command): void {
  // `eval` is shared with other benchmarks (e.g. SOTOPIA), whichever registers first creates it
  const cmd = program.commands.find((c) => c.name() === 'eval') ?? program.command('eval').description('run benchmarks and print metrics with 95% confidence intervals');
  for (const [name, s] of Object.entries(suites)) {
    const sub = cmd.command(name)
      .description(s.describe)
      .option('--strategist <spec>', 'strategist model spec, e.g. http://127.0.0.1:8000/v1#my-model or openai:gpt-4o-mini')
      .option('--actor <spec>', 'actor model spec (not used with --mode single)')
      .option('--mode <mode>', `epo (strategist + actor), actor-only (the actor thinks for itself: baseline), single (the --strategist model plays both roles)`, 'epo')
      .option('--split <name>', name === 'alfworld' ? 'valid_seen (dev), valid_unseen (test, default), valid_train' : 'test (default), train, synthetic or human goals')
      .option('--limit <n>', 'only the first n tasks of the split (after its fixed order)')
      .option('--concurrency <n>', 'episodes in flight at once', '16')
      .option('--max-steps <n>', `step limit per episode (default ${name === 'alfworld' ? 40 : 10}, as the reference)`)
      .option('--trials <n>', 'episodes per task', '1')
      .option('--seed <n>', 'run seed (episode and call seeds derive from it)', '0')
      .option('--run <name>', 'run name (folder under runs/); re-running the same name resumes it (default eval-<env>-<split>-<mode>)')
      .option('--summary <file>', 'also write the summary JSON here (it is always written to runs/<run>/summary.json)')
      .option('--shard <i/n>', 'run only shard i of n (0-based); merge shards with `epo runs merge`')
      .option('--timeout <seconds>', 'per-episode time limit (> 0); an episode past it is a failure, not a result: it is not stored and is played again on the next run', '900')
      .option('--temperature <t>', 'sampling temperature of both roles', '0')
      .option('--strategist-temperature <t>', 'override the strategist\'s temperature')
      .option('--actor-temperature <t>', 'override the actor\'s temperature')
      .option('--top-p <p>', 'nucleus sampling for both roles (default: the server\'s)')
      .option('--max-tokens <n>', 'answer length limit per call', '256')
      .option('--show-admissible', 'show the actor the currently valid actions (ALFWorld admissible commands, WebShop clickables)')
      .option('--no-system-role', 'put instructions in the first user message (for chat templates without a system role)')
      .option('--no-example', 'zero-shot: no one-shot example in the prompts')
      .option('--data <dir>', 'data root holding alfworld/ and webshop/ (default: EPO_DATA_DIR or ~/.cache/epo/data)')
      .option('--quiet', 'no progress output')
      .action(async (f: EvalFlags) => { await runEval(name, f); });
    if (name === 'alfworld') {
      sub.option('--types <list>', 'only these task types, e.g. pick_and_place_simple,look_at_obj_in_light (or Pick, Look, Clean, Heat, Cool, PickTwo)')
        .option('--order <order>', 'task order before --limit: reference (valid_unseen: the reference evaluation order; else sorted), sorted, or shuffle (by --seed)', 'reference');
    }
  }

  const runs = program.command('runs').description('combine, report and check runs');
  runs.command('merge')
    .description('merge runs of one evaluation (e.g. its shards) into one run and print its results')
    .requiredOption('--into <name>', 'target run (created if needed)')
    .requiredOption('--from <list>', 'comma-separated source runs')
    .option('--summary <file>', 'write the merged summary JSON here')
    .action((o: { into: string; from: string; summary?: string }) => {
      const r = mergeRuns(o.into, o.from.split(',').map((s) => s.trim()).filter(Boolean));
      process.stderr.write(`merged ${r.episodes} episodes into ${o.into} (${Object.entries(r.perSource).map(([k, v]) => `${k}: ${v}`).join(', ')}${r.duplicates ? `; ${r.duplicates} duplicates skipped` : ''})\n`);
      if (hasProtocol(o.into)) report(summariseRun(o.into), o.summary);
      else process.stderr.write(`run ${o.into} was not made by epo eval alfworld|webshop; print it with its own report command (e.g. epo sotopia report)\n`);
    });
  runs.command('report')
    .description('print the results table of an evaluation run (damaged episodes are named and skipped; exit code 1 then)')
    .requiredOption('--run <name>', 'run name')
    .option('--summary <file>', 'write the summary JSON here')
    .action((o: { run: string; summary?: string }) => {
      const skipped = skippedDamage(o.run);
      report(summariseRun(o.run, undefined, skipped.onDamaged), o.summary);
      skipped.report(runDir(o.run).store);
    });
}

function hasProtocol(run: string): boolean {
  const store = RunStore.open(runDir(run).store);
  try { return store.getMeta('protocol') !== undefined; } finally { store.close(); }
}

function report(s: Summary, file?: string): void {
  process.stdout.write(formatTable(s));
  const json = summaryJson(s);
  writeFileSync(join(ensureRunDir(s.run).dir, 'summary.json'), json);
  if (file) writeOutputFile(file, json, '--summary');
}

function orderOf(v: string | undefined): SuiteOptions['order'] {
  if (v === undefined || v === 'reference' || v === 'sorted' || v === 'shuffle') return v;
  throw new EpoError('BAD_INPUT', `--order must be reference, sorted or shuffle, got "${v}"`, { where: '--order' });
}

async function runEval(env: string, f: EvalFlags): Promise<void> {
  if (!MODES.includes(f.mode as Mode)) throw new EpoError('BAD_INPUT', `--mode must be one of ${MODES.join(', ')}, got "${f.mode}"`, { where: '--mode' });
  const mode = f.mode as Mode;
  if (mode === 'epo' && (!f.strategist || !f.actor)) throw new EpoError('BAD_INPUT', 'mode epo needs --strategist and --actor', { where: f.strategist ? '--actor' : '--strategist' });
  if (mode === 'actor-only' && !f.actor) throw new EpoError('BAD_INPUT', 'mode actor-only needs --actor', { where: '--actor' });
  if (mode === 'single' && !f.strategist) throw new EpoError('BAD_INPUT', 'mode single needs --strategist (the model that plays both roles)', { where: '--strategist' });

  const seed = num(f.seed, '--seed', RULES.seed)!;
  const concurrency = num(f.concurrency, '--concurrency', RULES.concurrency)!;
  const temperature = num(f.temperature, '--temperature', RULES.temperature)!;
  const topP = num(f.topP, '--top-p', RULES.topP);
  const maxTokens = num(f.maxTokens, '--max-tokens', RULES.maxTokens)!;
  const maxSteps = num(f.maxSteps, '--max-steps', RULES.steps), trials = num(f.trials, '--trials', RULES.trials);
  const timeoutMs = num(f.timeout, '--timeout', RULES.timeoutSeconds)! * 1000;
  const limit = num(f.limit, '--limit', RULES.tasks);
  const temperatures = { strategist: num(f.strategistTemperature, '--strategist-temperature', RULES.temperature), actor: num(f.actorTemperature, '--actor-temperature', RULES.temperature) };
  const shard = f.shard ? parseShard(f.shard) : undefined;
  if (f.summary) checkOutputFile(f.summary, '--summary'); // before hours of episodes, not after

  const suite = await suites[env].build({
    split: f.split, limit, types: f.types?.split(',').map((t) => t.trim()).filter(Boolean),
    data: f.data, seed, example: f.example, order: orderOf(f.order),
  });
  const runName = f.run ?? `eval-${env}-${suite.split}-${mode}${shard ? `-shard${shard.index}of${shard.count}` : ''}`;
  const dir = ensureRunDir(runName);
  const log = createLogger({ file: dir.log, quiet: f.quiet }, { run: runName });
  const meter = new UsageMeter();
  const role = (spec: string, name: 'strategist' | 'actor'): RoleModel => {
    const ref = modelRef(spec, { temperature: temperatures[name] ?? temperature, maxTokens, ...(topP !== undefined ? { topP } : {}) });
    // episodes already bound the calls in flight, so no extra per-endpoint limit (a spec's ?concurrency=N still applies)
    return { model: createModel(spec, { usage: { meter, role: name }, concurrency: false, logger: log }), ref };
  };
  const strategist = f.strategist ? role(f.strategist, 'strategist') : undefined;
  const actor = mode === 'single' ? strategist! : role(f.actor!, 'actor');

  const ctrl = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: string) => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write(`\n${sig}: stopping; finished episodes are saved, re-run the same command to resume (again to quit at once)\n`);
    ctrl.abort(new EpoError('INTERRUPTED', `interrupted by ${sig}`));
  };
  const sigint = () => onSignal('SIGINT'), sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);

  const tty = process.stderr.isTTY && !process.env.CI && !f.quiet;
  let lastLogged = 0;
  log.info(`eval ${env} ${suite.split}: ${suite.tasks.length} tasks${shard ? `, shard ${f.shard}` : ''}, mode ${mode}, concurrency ${concurrency}, run ${runName}`);
  try {
    const { summary, stats } = await evaluate({
      suite, run: runName, mode, strategist, actor, concurrency, shard, seed, log, signal: ctrl.signal,
      maxSteps, trials, timeoutMs,
      showAdmissible: !!f.showAdmissible, systemRole: f.systemRole,
      onProgress(line, done, total) {
        if (tty) process.stderr.write(`\r${line}\x1b[K`);
        else if (!f.quiet && (done === total || done - lastLogged >= Math.max(1, Math.ceil(total / 10)))) { lastLogged = done; log.info(line); }
      },
    });
    if (tty) process.stderr.write('\n');
    if (stats.failed) {
      const msg = failureLine(stats);
      log.warn(msg);
      if (f.quiet) process.stderr.write(`warn: ${redact(msg)}\n`); // failures are shown even when progress is not
    }
    report(summary, f.summary);
    if (ctrl.signal.aborted) throw new EpoError('INTERRUPTED', `stopped after ${summary.episodes} of ${stats.total} episodes; re-run to resume`, { where: dir.store });
    if (stats.failed) process.exitCode = 1;
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
}
