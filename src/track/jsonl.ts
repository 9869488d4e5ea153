/** The `jsonl` tracker: one JSON line per record in `<dir>/metrics.jsonl` (appended, so a resumed run adds to it). */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../core/secrets.js';
import type { Tracker } from './tracker.js';

export const METRICS_FILE = 'metrics.jsonl';

export function jsonlTracker(dir: string, now: () => number = Date.now): Tracker {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, METRICS_FILE);
  const write = (record: Record<string, unknown>) => appendFileSync(path, redact(JSON.stringify({ time: new Date(now()).toISOString(), ...record })) + '\n');
  return {
    scalar: (name, value, step) => write({ kind: 'scalar', name, step, value: Number.isFinite(value) ? value : String(value) }),
    table: (name, rows, step) => write({ kind: 'table', name, step, rows }),
    async close() {},
  };
}
