/** Open the trackers named by `--report-to` for a run or checkpoint folder. */
import type { Logger } from '../core/log.js';
import { jsonlTracker } from './jsonl.js';
import { tensorboardTracker } from './tensorboard.js';
import { fanOut, nullTracker, type Tracker, type TrackerName } from './tracker.js';
import { wandbTracker } from './wandb.js';

export interface OpenTrackers {
  /** Where metrics.jsonl, the event files and the offline wandb run go. */
  dir: string;
  /** The run's name (wandb's run name). */
  name: string;
  config?: Record<string, unknown>;
  log?: Logger;
}

/** A file tracker made on its first record: a command that stops before reporting anything (a busy run, a bad
 *  flag) leaves no file behind in the run folder. */
function lazy(make: () => Tracker): Tracker {
  let t: Tracker | undefined;
  const get = () => (t ??= make());
  return { scalar: (n, v, s) => get().scalar(n, v, s), table: (n, r, s) => get().table(n, r, s), close: async () => { await t?.close(); } };
}

export async function openTrackers(names: readonly TrackerName[], o: OpenTrackers): Promise<Tracker> {
  if (!names.length) return nullTracker;
  const opened: Tracker[] = [];
  try {
    for (const n of names) {
      if (n === 'jsonl') opened.push(lazy(() => jsonlTracker(o.dir)));
      else if (n === 'tensorboard') opened.push(lazy(() => tensorboardTracker(o.dir)));
      else opened.push(await wandbTracker({ dir: o.dir, name: o.name, config: o.config }));
    }
  } catch (e) {
    await Promise.all(opened.map((t) => t.close()));
    throw e;
  }
  return fanOut(opened, (m) => o.log?.warn(m));
}
