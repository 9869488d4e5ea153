/** `epo runs check`: is a run store sound, and if not, what can be saved (read-only; no lock needed). */
import type { Command } from 'commander';
import { checkStore, formatCheck, isSound } from '../../store/check.js';
import { existingRunDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';

export function registerRunsCheck(program: Command): void {
  const runs = program.commands.find((c) => c.name() === 'runs') ?? program.command('runs').description('combine, report and check runs');
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
