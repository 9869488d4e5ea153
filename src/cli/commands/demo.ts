/** `epo demo`: the EPO loop end to end, offline, on the built-in model (see docs/demo.md). */
import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import { createLogger } from '../../core/log.js';
import { EpoError } from '../../core/errors.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { registerScriptedModel } from '../../llm/named-scripts.js';
import { ruleActor } from '../../agents/rule-actor.js';
import { DEMO_DEFAULTS, formatDemoTable, runDemo } from '../../train/demo/run-demo.js';
import { parseNumber, RULES, type NumberRule } from './num.js';

registerScriptedModel('rule-actor', (_o, spec) => ruleActor(spec));

/** Abort on the first SIGINT/SIGTERM (work done so far is kept), exit at once on the second. */
export function interruptible(): { signal: AbortSignal; dispose(): void } {
  const ctrl = new AbortController();
  setMaxListeners(0, ctrl.signal); // every episode in flight listens on it
  let n = 0;
  const on = (sig: string) => {
    if (++n > 1) process.exit(130);
    process.stderr.write(`\n${sig}: stopping; finished work is saved, re-run the same command to resume\n`);
    ctrl.abort(new EpoError('INTERRUPTED', `interrupted by ${sig}`));
  };
  const a = () => on('SIGINT'), b = () => on('SIGTERM');
  process.on('SIGINT', a); process.on('SIGTERM', b);
  return { signal: ctrl.signal, dispose: () => { process.off('SIGINT', a); process.off('SIGTERM', b); } };
}

/** `--next 1=http://…#m` flags → { 1: 'http://…#m' }. */
export function parseNext(flags: readonly string[]): Record<number, string> {
  const next: Record<number, string> = {};
  for (const kv of flags) {
    const m = /^(\d+)=(.+)$/.exec(kv);
    if (!m) throw new EpoError('BAD_INPUT', `expected <iteration>=<spec>, got "${kv}"`, { where: '--next' });
    next[Number(m[1])] = m[2];
  }
  return next;
}

export function registerDemo(program: Command): void {
  const d = DEMO_DEFAULTS;
  program.command('demo')
    .description('offline EPO demo: generated household games, the micro built-in strategist, self-play with environment process rewards, held-out success per iteration (runs/demo/summary.json, report.html)')
    .option('--iterations <n>', 'self-play iterations', String(d.iterations))
    .option('--episodes <n>', 'training episodes per iteration', String(d.episodes))
    .option('--eval-tasks <n>', 'held-out games per evaluation', String(d.evalTasks))
    .option('--train-tasks <n>', 'training games', String(d.trainTasks))
    .option('--pretrain', 'build the starting strategist here (teacher corpus + imitation, ~7 min on 2 cores) instead of using the shipped assets/demo/strategist-0')
    .option('--start <dir>', 'another starting checkpoint folder for the built-in strategist')
    .option('--workers <n>', 'worker threads for the built-in strategist (one core each)', String(d.workers))
    .option('--strategist <spec>', 'a real strategist instead of the built-in one (e.g. http://127.0.0.1:8000/v1#m or local:DIR)')
    .option('--actor <spec>', 'a real actor instead of the rule-based one (it gets the available actions)')
    .option('--next <iteration=spec>', 'with a --strategist trained outside: the served checkpoint of an iteration (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--run <name>', 'run name (folder under runs/)', d.run)
    .option('--seed <n>', 'seed', String(d.seed))
    .option('--concurrency <n>', 'episodes in flight', String(d.concurrency))
    .action(async (f: Record<string, string | undefined> & { pretrain?: boolean; next?: string[] }) => {
      const int = (flag: string, v: string | undefined, rule: NumberRule) => parseNumber(flag, v, rule)!;
      // every flag is checked before the run folder is made
      const settings = {
        iterations: int('--iterations', f.iterations, { ...RULES.iterations, min: 0 }), episodes: int('--episodes', f.episodes, RULES.episodes),
        evalTasks: int('--eval-tasks', f.evalTasks, RULES.episodes), trainTasks: int('--train-tasks', f.trainTasks, RULES.episodes), seed: int('--seed', f.seed, RULES.seed),
        concurrency: int('--concurrency', f.concurrency, RULES.concurrency), workers: int('--workers', f.workers, RULES.workers), next: parseNext(f.next ?? []),
      };
      const run = f.run ?? d.run;
      const log = createLogger({ file: ensureRunDir(run).log, level: 'warn' }, { run });
      const stop = interruptible();
      try {
        const s = await runDemo({
          ...d, run, ...settings, pretrain: Boolean(f.pretrain), start: f.start,
          strategist: f.strategist, actor: f.actor, log, signal: stop.signal, onLine: (l) => process.stderr.write(`${l}\n`),
        });
        process.stdout.write(`${formatDemoTable(s)}\nsummary: runs/${run}/summary.json · chart: runs/${run}/report.html\n`);
        if (s.waiting) process.stdout.write('waiting for a checkpoint trained outside: see the command above, then re-run with --next <iteration>=<spec>\n');
      } finally { stop.dispose(); }
    });
}
