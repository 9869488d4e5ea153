/** `epo runs merge|report|check`: combine the shards of one evaluation, re-print a run's results, check a store. */
import type { Command } from 'commander';
import { summariseRun } from '../../eval/evaluate.js';
import { proxyRunReport } from '../../plugin/proxy/run-report.js';
import { checkStore, formatCheck, isSound } from '../../store/check.js';
import { mergeRuns } from '../../store/merge.js';
import { existingRunDir, runDir, runsRoot } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';
import { skippedDamage } from '../damaged.js';
import { checkOutputFile, writeOutputFile } from '../output-file.js';
import { printSummary } from '../summary.js';
import { runReportHtml } from '../../view/report.js';
import { describeSelfPlayRun } from '../../selfplay/describe.js';
import type { SelfPlayState } from '../../selfplay/selfplay.js';

/** The state of a self-play (or demo) run whose folder holds no evaluation of its own, else undefined. */
function selfPlayState(run: string): SelfPlayState | undefined {
  const store = RunStore.open(existingRunDir(run).store);
  try { return store.getMeta('protocol') === undefined ? store.getMeta<SelfPlayState>('selfplay') : undefined; } finally { store.close(); }
}

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
    .description('print the results table of an evaluation run, or the per-strategist (A/B) outcomes of an `epo proxy` run (damaged episodes are named and skipped; exit code 1 then); on a self-play or demo run, its iterations and their sub-runs')
    .requiredOption('--run <name>', 'run name, or a sub-run by path (e.g. demo/it1-eval)')
    .option('--summary <file>', 'write the summary JSON here')
    .option('--html <file>', 'write the run\'s page (self-play runs: their iterations) as one self-contained HTML file; --run may name a sub-run (demo/it3-eval)')
    .action((o: { run: string; summary?: string; html?: string }) => {
      if (o.html) {
        checkOutputFile(o.html, '--html');
        writeOutputFile(o.html, runReportHtml(runsRoot(), o.run), '--html');
        process.stderr.write(`wrote ${o.html}\n`);
        if (o.run.includes('/') || !hasProtocol(o.run)) return;
      }
      const sp = selfPlayState(o.run);
      if (sp) { process.stdout.write(describeSelfPlayRun(o.run, runDir(o.run).dir, sp)); return; }
      const skipped = skippedDamage(o.run);
      const proxy = proxyRunReport(o.run, skipped.onDamaged); // a proxy run: per-strategist outcomes, not an evaluation
      if (proxy !== undefined) {
        process.stdout.write(proxy.text);
        if (o.summary) writeOutputFile(o.summary, `${JSON.stringify(proxy.summary, null, 2)}\n`, '--summary');
      }
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
