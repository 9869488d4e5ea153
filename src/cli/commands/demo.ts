/** `epo demo`: the EPO loop end to end, offline, on the built-in model (see docs/demo.md). */
import type { Command } from 'commander';
import { demoConfig } from '../../config/commands/demo.js';
import { createLogger } from '../../core/log.js';
import { DEMO_DEFAULTS, formatDemoTable, runDemo } from '../../demo/run-demo.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { addConfigOptions, commandConfig } from '../config-options.js';
import { interruptible, parseNext } from '../shared.js';
import { createLineProgress } from '../../core/progress.js';
import { commandTracker } from '../tracking.js';
import { parseReportTo } from '../../track/tracker.js';

export function registerDemo(program: Command): void {
  const cmd = program.command('demo')
    .description('offline EPO demo: generated household games, the micro built-in strategist, self-play with environment process rewards, held-out success per iteration (runs/demo/summary.json, report.html)');
  addConfigOptions(cmd, demoConfig).action(async () => {
    const c = commandConfig(cmd, demoConfig, 'epo demo');
    if (c.printOnly) return;
    const { run, next, reportTo, ...o } = c.config;
    parseReportTo(reportTo); // an unknown tracker is refused before anything runs
    const dir = ensureRunDir(run);
    const log = createLogger({ file: dir.log, level: 'warn' }, { run });
    const tracker = await commandTracker(reportTo, { dir: dir.dir, name: run, yaml: c.yaml, log });
    const say = (l: string) => process.stderr.write(`${l}\n`);
    const progress = createLineProgress({ say });
    const stop = interruptible();
    try {
      const s = await runDemo({
        ...DEMO_DEFAULTS, ...o, run, next: parseNext(next ?? []), config: c.yaml, log, signal: stop.signal, tracker,
        onLine: (l) => { progress.end(); say(l); },
        onProgress: (i, stage, line, done, total) => progress.update(`iteration ${i} ${stage}`, line, done, total),
      });
      progress.end();
      process.stdout.write(`${formatDemoTable(s)}\nsummary: runs/${run}/summary.json · chart: runs/${run}/report.html\n`);
      if (s.waiting) process.stdout.write('waiting for a checkpoint trained outside: see the command above, then re-run with --next <iteration>=<spec>\n');
    } finally { progress.end(); await tracker.close(); stop.dispose(); }
  });
}
