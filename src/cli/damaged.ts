/** What readers of a damaged run print: which episodes they skipped and how to see what can be saved. */
import type { DamagedEpisode } from '../store/run-store.js';

/** Collects the damaged episodes a reader skipped; `report` says which (stderr) and marks the exit code. */
export function skippedDamage(run: string) {
  const damaged: DamagedEpisode[] = [];
  return {
    onDamaged: (d: DamagedEpisode) => { damaged.push(d); },
    report(storePath: string): void {
      if (!damaged.length) return;
      const shown = damaged.slice(0, 5).map((d) => `  ${d.id}: ${d.error}`).join('\n');
      process.stderr.write(`warn: skipped ${damaged.length} damaged episode(s) of run ${run} (${storePath}):\n${shown}${damaged.length > 5 ? `\n  … and ${damaged.length - 5} more` : ''}\n`
        + `  \`epo runs check --run ${run}\` lists everything that can be saved\n`);
      process.exitCode = 1;
    },
  };
}
