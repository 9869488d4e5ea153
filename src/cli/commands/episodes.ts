/** `epo episodes export|import|list`: move episodes between a run store and JSON Lines. */
import type { Command } from 'commander';
import { importIntoRun } from '../../store/import.js';
import { exportEpisodes } from '../../store/jsonl.js';
import { existingRunDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';
import { skippedDamage } from '../damaged.js';

function openExisting(run: string): RunStore {
  const r = existingRunDir(run);
  return RunStore.open(r.store);
}

export function registerEpisodes(program: Command): void {
  const cmd = program.command('episodes').description('export, import and list the episodes of a run (JSON Lines)');
  cmd.command('export')
    .description('write every readable episode of a run as JSON Lines (damaged ones are named and skipped; exit code 1 then)')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .requiredOption('--out <file>', 'output .jsonl file (replaced only once the export is complete)')
    .action(async (o: { run: string; out: string }) => {
      const store = openExisting(o.run);
      const skipped = skippedDamage(o.run);
      try {
        const n = await exportEpisodes(store, o.out, skipped.onDamaged);
        process.stdout.write(`exported ${n} episodes to ${o.out}\n`);
        skipped.report(store.path);
      } finally { store.close(); }
    });
  cmd.command('import')
    .summary('add the episodes of a JSON Lines file to a run: all or nothing, same protocol, stored ids skipped unless --replace')
    .description('add the episodes of a JSON Lines file to a run (creating it if needed). All or nothing: every line is '
      + 'checked first, then all are written in one transaction. Episodes must share the run\'s protocol (environment, '
      + 'data version, mode, models, seed); an id already in the run is skipped unless --replace')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .requiredOption('--in <file>', 'input .jsonl file')
    .option('--replace', 'overwrite stored episodes that have the same id; their labels are deleted (label them again)')
    .action(async (o: { run: string; in: string; replace?: boolean }) => {
      const r = await importIntoRun(o.run, o.in, { replace: o.replace });
      const notes = [
        r.replaced ? `replaced ${r.replaced} already there` : '',
        r.labelsDropped ? `dropped ${r.labelsDropped} labels of the replaced episodes: label them again with \`epo label\`` : '',
        r.skipped ? `skipped ${r.skipped} episodes already in the run (use --replace to overwrite them)` : '',
      ].filter(Boolean);
      process.stdout.write(`imported ${r.added + r.replaced} episodes into run ${o.run}${notes.length ? `; ${notes.join('; ')}` : ''}\n`);
    });
  cmd.command('list')
    .description('one line per episode: id, outcome reward, success, turns, end reason (damaged ones are named on stderr; exit code 1 then)')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .action((o: { run: string }) => {
      const store = openExisting(o.run);
      const skipped = skippedDamage(o.run);
      try {
        for (const e of store.episodes(skipped.onDamaged)) {
          process.stdout.write(`${e.id}\treward=${e.outcome.reward}\tsuccess=${e.outcome.success}\tturns=${e.turns.length}\t${e.outcome.reason}\n`);
        }
        skipped.report(store.path);
      } finally { store.close(); }
    });
}
