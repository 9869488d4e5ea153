/** `epo demo`: the EPO loop end to end, offline, on the built-in model (see docs/demo.md). */
import type { Command } from 'commander';
import { interruptible, parseNext } from '../shared.js';
import { createLogger } from '../../core/log.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { DEMO_DEFAULTS, formatDemoTable, runDemo } from '../../demo/run-demo.js';
import { parseNumber } from '../num.js';


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
      const int = (flag: string, v: string | undefined, min = 1) => parseNumber(flag, v, { integer: true, min })!;
      const run = f.run ?? d.run;
      const log = createLogger({ file: ensureRunDir(run).log, level: 'warn' }, { run });
      const stop = interruptible();
      try {
        const s = await runDemo({
          ...d, run, iterations: int('--iterations', f.iterations, 0), episodes: int('--episodes', f.episodes), evalTasks: int('--eval-tasks', f.evalTasks),
          trainTasks: int('--train-tasks', f.trainTasks), seed: int('--seed', f.seed, 0), concurrency: int('--concurrency', f.concurrency),
          workers: int('--workers', f.workers), pretrain: Boolean(f.pretrain), start: f.start, next: parseNext(f.next ?? []),
          strategist: f.strategist, actor: f.actor, log, signal: stop.signal, onLine: (l) => process.stderr.write(`${l}\n`),
        });
        process.stdout.write(`${formatDemoTable(s)}\nsummary: runs/${run}/summary.json · chart: runs/${run}/report.html\n`);
        if (s.waiting) process.stdout.write('waiting for a checkpoint trained outside: see the command above, then re-run with --next <iteration>=<spec>\n');
      } finally { stop.dispose(); }
    });
}
