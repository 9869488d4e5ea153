/** `epo episodes export|import|list`: move episodes between a run store and JSON Lines. */
import type { Command } from 'commander';
import { exportEpisodes, importEpisodes } from '../../store/jsonl.js';
import { existingRunDir, runDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';

function openExisting(run: string): RunStore {
  const r = existingRunDir(run);
  return RunStore.open(r.store);
}

export function registerEpisodes(program: Command): void {
  const cmd = program.command('episodes').description('export, import and list the episodes of a run (JSON Lines)');
  cmd.command('export')
    .description('write every episode of a run as JSON Lines')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .requiredOption('--out <file>', 'output .jsonl file')
    .action(async (o: { run: string; out: string }) => {
      const store = openExisting(o.run);
      try {
        const n = await exportEpisodes(store, o.out);
        process.stdout.write(`exported ${n} episodes to ${o.out}\n`);
      } finally { store.close(); }
    });
  cmd.command('import')
    .description('add episodes from a JSON Lines file to a run (creating it if needed)')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .requiredOption('--in <file>', 'input .jsonl file')
    .action(async (o: { run: string; in: string }) => {
      const store = RunStore.open(runDir(o.run).store);
      try {
        const n = await importEpisodes(store, o.in);
        process.stdout.write(`imported ${n} episodes into run ${o.run}\n`);
      } finally { store.close(); }
    });
  cmd.command('list')
    .description('one line per episode: id, outcome reward, success, turns, end reason')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .action((o: { run: string }) => {
      const store = openExisting(o.run);
      try {
        for (const e of store.episodes()) {
          process.stdout.write(`${e.id}\treward=${e.outcome.reward}\tsuccess=${e.outcome.success}\tturns=${e.turns.length}\t${e.outcome.reason}\n`);
        }
      } finally { store.close(); }
    });
}
