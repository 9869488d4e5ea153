/**
 * `epo eval alfworld|webshop` and `epo eval --env <name|module>`: run the strategist ⇄ actor loop over a split into a
 * run, print the results table and write the summary JSON. Flags come from the eval config schema
 * (src/config/commands/eval.ts), so `--config run.yaml` and `--print-config` work as for every long command.
 */
import { createLineProgress } from '../../core/progress.js';
import type { Command } from 'commander';
import { evalConfig } from '../../config/commands/eval.js';
import type { ConfigOf } from '../../config/schema.js';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { redact } from '../../core/secrets.js';
import { evaluate } from '../../eval/evaluate.js';
import { BUILTIN_SUITES, registeredSuite, resolveEnvironment } from '../../eval/registry.js';
import { createModel } from '../../llm/create.js';
import { referenceSuite, type ReferenceSampling } from '../../reference/alfshop-protocol.js';
import { modelRef } from '../../llm/spec.js';
import { UsageMeter } from '../../llm/usage.js';
import type { Mode, RoleModel } from '../../rollout/episode.js';
import { failureLine, parseShard } from '../../rollout/scheduler.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { addConfigOptions, commandConfig } from '../config-options.js';
import { checkOutputFile } from '../output-file.js';
import { interruptible } from '../shared.js';
import { printSummary } from '../summary.js';

type EvalConfig = ConfigOf<typeof evalConfig>;

/** Fields a built-in suite has no use for (the environment is the subcommand; only ALFWorld has task types). */
const unused = (env: string) => (key: string): boolean => key === 'env' || (env !== 'alfworld' && (key === 'types' || key === 'order'));

export function registerEval(program: Command): void {
  // `eval` is shared with other benchmarks (SOTOPIA registers `eval sotopia`): whichever registers first creates it
  const cmd = program.commands.find((c) => c.name() === 'eval') ?? program.command('eval');
  cmd.description('run benchmarks and print metrics with 95% confidence intervals: a built-in one by name, or any environment with --env');
  addConfigOptions(cmd, evalConfig).action(async () => {
    const c = commandConfig(cmd, evalConfig, 'epo eval');
    if (c.printOnly) return;
    if (!c.config.env) throw new EpoError('BAD_INPUT', `name the environment: epo eval <${[...BUILTIN_SUITES, 'sotopia'].join('|')}> …, or epo eval --env <name|module> …`, { where: '--env' });
    await runEval(c.config.env, c.config, c.yaml, c.given);
  });
  for (const env of BUILTIN_SUITES) {
    const sub = cmd.command(env).description(registeredSuite(env)!.describe);
    addConfigOptions(sub, evalConfig, unused(env)).action(async () => {
      const c = commandConfig(sub, evalConfig, `epo eval ${env}`);
      if (c.printOnly) return;
      await runEval(env, c.config, c.yaml, c.given);
    });
  }
}

function checkMode(f: EvalConfig): Mode {
  const mode = f.mode as Mode;
  if (mode === 'epo' && (!f.strategist || !f.actor)) throw new EpoError('BAD_INPUT', 'mode epo needs --strategist and --actor', { where: f.strategist ? '--actor' : '--strategist' });
  if (mode === 'actor-only' && !f.actor) throw new EpoError('BAD_INPUT', 'mode actor-only needs --actor', { where: '--actor' });
  if (mode === 'single' && !f.strategist) throw new EpoError('BAD_INPUT', 'mode single needs --strategist (the model that plays both roles)', { where: '--strategist' });
  return mode;
}

/** The reference protocol fixes the decoding and always runs a strategist: flags that would change that are refused. */
function checkReferenceFlags(mode: Mode, given: (key: string) => boolean): void {
  if (mode === 'actor-only') throw new EpoError('BAD_INPUT', 'the reference protocol has no actor-only baseline (the release always runs a strategist); use --mode epo or single, or --protocol epo', { where: '--mode' });
  const flags = [['temperature', '--temperature'], ['strategistTemperature', '--strategist-temperature'], ['actorTemperature', '--actor-temperature'], ['topP', '--top-p'], ['maxTokens', '--max-tokens']] as const;
  const set = flags.find(([key]) => given(key));
  if (set) {
    throw new EpoError('BAD_INPUT', `the reference protocol decodes as the release does (its configs/model/fastchat.json: greedy, 512 new tokens); drop ${set[1]} or use --protocol epo`, { where: set[1] });
  }
}

async function runEval(env: string, f: EvalConfig, yaml: string, given: (key: string) => boolean): Promise<void> {
  const mode = checkMode(f);
  const shard = f.shard ? parseShard(f.shard) : undefined;
  if (f.summary) checkOutputFile(f.summary, '--summary'); // before hours of episodes, not after

  const reference = f.protocol === 'reference';
  if (reference) checkReferenceFlags(mode, given);
  const { name, factory } = await resolveEnvironment(env);
  const built = await factory.build({
    // the reference protocol brings its own one-shot example: epo's (played from walkthroughs) is not built
    split: f.split, limit: f.limit, types: f.types, data: f.data, seed: f.seed, example: f.example && !reference, order: f.order as 'reference' | 'sorted' | 'shuffle',
  });
  let suite = built, sampling: ReferenceSampling | undefined, warnings: string[] = [];
  if (reference) ({ suite, sampling, warnings } = referenceSuite(built, f.data));
  const runName = f.run ?? `eval-${name}-${suite.split}-${mode}${reference ? '-reference' : ''}${shard ? `-shard${shard.index}of${shard.count}` : ''}`;
  const dir = ensureRunDir(runName);
  const log = createLogger({ file: dir.log, quiet: f.quiet }, { run: runName });
  for (const w of warnings) log.warn(w);
  const meter = new UsageMeter();
  const role = (spec: string, role: 'strategist' | 'actor'): RoleModel => {
    const temperature = (role === 'strategist' ? f.strategistTemperature : f.actorTemperature) ?? f.temperature;
    const ref = sampling
      ? modelRef(spec, { ...sampling[role], maxTokens: sampling.maxTokens })
      : modelRef(spec, { temperature, maxTokens: f.maxTokens, ...(f.topP !== undefined ? { topP: f.topP } : {}) });
    // episodes already bound the calls in flight, so no extra per-endpoint limit (a spec's ?concurrency=N still applies)
    return { model: createModel(spec, { usage: { meter, role }, concurrency: false, logger: log }), ref };
  };
  const strategist = f.strategist ? role(f.strategist, 'strategist') : undefined;
  const actor = mode === 'single' ? strategist! : role(f.actor!, 'actor');

  const stop = interruptible();
  const progress = createLineProgress({ say: (l) => log.info(l), quiet: f.quiet });
  log.info(`eval ${name} ${suite.split}: ${suite.tasks.length} tasks${shard ? `, shard ${f.shard}` : ''}, protocol ${suite.protocol ?? 'epo'}, mode ${mode}, concurrency ${f.concurrency}, run ${runName}`);
  try {
    const { summary, stats } = await evaluate({
      suite, run: runName, mode, strategist, actor, concurrency: f.concurrency, shard, seed: f.seed, log, signal: stop.signal,
      maxSteps: f.maxSteps, trials: f.trials, timeoutMs: f.timeout * 1000, showAdmissible: f.showAdmissible, systemRole: f.systemRole, config: yaml,
      onProgress: (line, done, total) => progress.update('', line, done, total),
    });
    progress.end();
    if (stats.failed) {
      const msg = failureLine(stats);
      log.warn(msg);
      if (f.quiet) process.stderr.write(`warn: ${redact(msg)}\n`); // failures are shown even when progress is not
    }
    printSummary(summary, f.summary);
    if (stop.signal.aborted) throw new EpoError('INTERRUPTED', `stopped after ${summary.episodes} of ${stats.total} episodes; re-run to resume`, { where: dir.store });
    if (stats.failed) process.exitCode = 1;
  } finally {
    stop.dispose();
  }
}
