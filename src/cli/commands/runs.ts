/** `epo runs merge|report|check`: combine the shards of one evaluation, re-print a run's results, check a store. */
import type { Command } from 'commander';
import { summariseRun } from '../../eval/evaluate.js';
import { proxyRunReport } from '../../plugin/proxy/run-report.js';
import { checkStore, formatCheck, isSound } from '../../store/check.js';
import { mergeRuns } from '../../store/merge.js';
import { existingRunDir, runDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';
import { skippedDamage } from '../damaged.js';
import { checkOutputFile } from '../output-file.js';
import { printSummary } from '../summary.js';

function hasProtocol(run: string): boolean {
  const store = RunStore.open(runDir(run).store);
  try { return store.getMeta('protocol') !== undefined; } finally { store.close(); }
}

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('combine, report and check runs');
  runs.command('merge')
    .description('merge runs of one evaluation (e.g. its shards) into one run and print its results')
    .requiredOption('--into <name>', 'target run (created if needed)')
    .requiredOption('--from <list>', 'comma-separated source runs')
    .option('--summary <file>', 'write the merged summary JSON here')
    .action((o: { into: string; from: string; summary?: string }) => {
      if (o.summary) checkOutputFile(o.summary, '--summary');
      const r = mergeRuns(o.into, o.from.split(',').map((s) => s.trim()).filter(Boolean));
      process.stderr.write(`merged ${r.episodes} episodes into ${o.into} (${Object.entries(r.perSource).map(([k, v]) => `${k}: ${v}`).join(', ')}${r.duplicates ? `; ${r.duplicates} duplicates skipped` : ''})\n`);
      if (hasProtocol(o.into)) printSummary(summariseRun(o.into), o.summary);
      else process.stderr.write(`run ${o.into} was not made by epo eval; print it with its own report command (e.g. epo sotopia report)\n`);
    });
  runs.command('report')
    .description('print the results table of an evaluation run, or the per-strategist (A/B) outcomes of an `epo proxy` run (damaged episodes are named and skipped; exit code 1 then)')
    .requiredOption('--run <name>', 'run name')
    .option('--summary <file>', 'write the summary JSON here')
    .action((o: { run: string; summary?: string }) => {
      const skipped = skippedDamage(o.run);
      const proxy = proxyRunReport(o.run, skipped.onDamaged); // a proxy run: per-strategist outcomes, not an evaluation
      if (proxy !== undefined) process.stdout.write(proxy);
      else printSummary(summariseRun(o.run, undefined, skipped.onDamaged), o.summary);
      skipped.report(runDir(o.run).store);
    });
  runs.command('check')
    .description('check a run store: SQLite integrity check, then every record read back; names the damaged episodes, '
      + 'labels and records and what can be saved (exit code 1 when something is damaged)')
    .requiredOption('--run <name>', 'run name')
    .action((o: { run: string }) => {
      const store = RunStore.open(existingRunDir(o.run).store);
      try {
        const c = checkStore(store);
        process.stdout.write(formatCheck(c, o.run));
        if (!isSound(c)) process.exitCode = 1;
      } finally { store.close(); }
    });
}
