/** `epo runs report` on a proxy run: the A/B table instead of an evaluation summary. */
import { existingRunDir } from '../../store/run-dir.js';
import { RunStore, type OnDamaged } from '../../store/run-store.js';
import { abReport, formatAbReport } from './ab-report.js';

/** The meta key a proxy run is marked with (its settings, without secrets). */
export const PROXY_META = 'proxy';

/** The report of a proxy run, or undefined when the run was not recorded by `epo proxy`. */
export function proxyRunReport(run: string, onDamaged?: OnDamaged): string | undefined {
  const store = RunStore.open(existingRunDir(run).store);
  try {
    if (store.getMeta(PROXY_META) === undefined) return undefined;
    return formatAbReport(abReport(store.episodes(onDamaged)), run);
  } finally {
    store.close();
  }
}
