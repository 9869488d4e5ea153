/**
 * Experiment tracking: one small contract that the trainer and the self-play loop write to, with backends chosen by
 * `--report-to` (jsonl, tensorboard, wandb; several at once). Trackers only record: a failing backend must not lose
 * training work, so callers write through `fanOut`, which reports a backend's error once and goes on.
 */
import { EpoError } from '../core/errors.js';

/** A row of a table (sample trajectories): column → text or number. */
export type TableRow = Record<string, string | number | boolean | null>;

export interface Tracker {
  /** One value of a named series at a step (train steps, or self-play iterations). */
  scalar(name: string, value: number, step: number): void;
  /** A small table (e.g. sample trajectories of an evaluation) at a step. */
  table(name: string, rows: readonly TableRow[], step: number): void;
  /** Flush and release files or connections. */
  close(): Promise<void>;
}

export const TRACKER_NAMES = ['jsonl', 'tensorboard', 'wandb'] as const;
export type TrackerName = (typeof TRACKER_NAMES)[number];

/** `--report-to` values, each possibly a comma list (`jsonl,tensorboard`), as distinct known names in order. */
export function parseReportTo(values: readonly string[] | undefined, where = '--report-to'): TrackerName[] {
  const out: TrackerName[] = [];
  for (const v of values ?? []) {
    for (const raw of v.split(',')) {
      const name = raw.trim();
      if (!name || name === 'none') continue;
      if (!(TRACKER_NAMES as readonly string[]).includes(name)) {
        throw new EpoError('BAD_INPUT', `unknown tracker "${name}": use ${TRACKER_NAMES.join(', ')} (several as a comma list or by repeating the flag)`, { where });
      }
      if (!out.includes(name as TrackerName)) out.push(name as TrackerName);
    }
  }
  return out;
}

export const nullTracker: Tracker = { scalar() {}, table() {}, async close() {} };

/** Several trackers as one; a backend that throws is reported once through `warn` and skipped from then on. */
export function fanOut(trackers: readonly Tracker[], warn: (msg: string) => void = () => {}): Tracker {
  if (!trackers.length) return nullTracker;
  const broken = new Set<number>();
  const each = (what: string, fn: (t: Tracker) => void) => trackers.forEach((t, k) => {
    if (broken.has(k)) return;
    try { fn(t); } catch (e) { broken.add(k); warn(`tracking stopped for one backend (${what}): ${(e as Error).message}`); }
  });
  return {
    scalar: (n, v, s) => each(n, (t) => t.scalar(n, v, s)),
    table: (n, r, s) => each(n, (t) => t.table(n, r, s)),
    async close() { await Promise.all(trackers.map((t) => t.close().catch((e: Error) => warn(`closing a tracker: ${e.message}`)))); },
  };
}

/** A tracker whose steps are shifted (self-play: training steps continue across iterations) and names prefixed. */
export function shifted(t: Tracker, offset: number, prefix = ''): Tracker {
  return { scalar: (n, v, s) => t.scalar(prefix + n, v, s + offset), table: (n, r, s) => t.table(prefix + n, r, s + offset), close: () => t.close() };
}
