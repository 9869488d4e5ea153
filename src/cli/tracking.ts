/** `--report-to` for a command: the trackers it names, opened in a folder, with the command's redacted config. */
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../core/log.js';
import { openTrackers } from '../track/open.js';
import { parseReportTo, type Tracker } from '../track/tracker.js';

export async function commandTracker(reportTo: readonly string[] | undefined, o: { dir: string; name: string; yaml: string; log?: Logger }): Promise<Tracker> {
  const names = parseReportTo(reportTo);
  const config = names.includes('wandb') ? (parseYaml(o.yaml) as Record<string, unknown> | null) ?? {} : undefined; // already redacted
  return openTrackers(names, { dir: o.dir, name: o.name, config, log: o.log });
}
