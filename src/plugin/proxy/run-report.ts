/** `epo runs report` on a proxy run: the A/B table instead of an evaluation summary. */
import { existingRunDir } from '../../store/run-dir.js';
import { RunStore, type OnDamaged } from '../../store/run-store.js';
import { abReport, formatAbReport, type AbReport } from './ab-report.js';

/** The meta key a proxy run is marked with (its settings, without secrets). */
export const PROXY_META = 'proxy';

/** The report of a proxy run (printed, and as the summary JSON), or undefined when `epo proxy` did not record it. */
export function proxyRunReport(run: string, onDamaged?: OnDamaged): { text: string; summary: { run: string; kind: 'proxy' } & AbReport } | undefined {
  const store = RunStore.open(existingRunDir(run).store);
  try {
    if (store.getMeta(PROXY_META) === undefined) return undefined;
    const report = abReport(store.episodes(onDamaged));
    return { text: formatAbReport(report, run), summary: { run, kind: 'proxy', ...report } };
  } finally {
    store.close();
  }
}
