/** `epo demo`: the EPO loop end to end, offline, on the built-in model (see docs/demo.md). */
import type { Command } from 'commander';
import { demoConfig } from '../../config/commands/demo.js';
import { createLogger } from '../../core/log.js';
import { DEMO_DEFAULTS, formatDemoTable, runDemo } from '../../demo/run-demo.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { addConfigOptions, commandConfig } from '../config-options.js';
import { interruptible, parseNext } from '../shared.js';

export function registerDemo(program: Command): void {
  const cmd = program.command('demo')
    .description('offline EPO demo: generated household games, the micro built-in strategist, self-play with environment process rewards, held-out success per iteration (runs/demo/summary.json, report.html)');
  addConfigOptions(cmd, demoConfig).action(async () => {
    const c = commandConfig(cmd, demoConfig, 'epo demo');
    if (c.printOnly) return;
    const { run, next, ...o } = c.config;
    const dir = ensureRunDir(run);
    const log = createLogger({ file: dir.log, level: 'warn' }, { run });
    const stop = interruptible();
    try {
      const s = await runDemo({
        ...DEMO_DEFAULTS, ...o, run, next: parseNext(next ?? []), config: c.yaml, log, signal: stop.signal, onLine: (l) => process.stderr.write(`${l}\n`),
      });
      process.stdout.write(`${formatDemoTable(s)}\nsummary: runs/${run}/summary.json · chart: runs/${run}/report.html\n`);
      if (s.waiting) process.stdout.write('waiting for a checkpoint trained outside: see the command above, then re-run with --next <iteration>=<spec>\n');
    } finally { stop.dispose(); }
  });
}
