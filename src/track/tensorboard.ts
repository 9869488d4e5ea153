/**
 * The `tensorboard` tracker: TensorBoard event files written directly, without TensorFlow. A file is a sequence of
 * TFRecords (uint64 length, masked CRC-32C of the length, the data, masked CRC-32C of the data; little-endian), each
 * holding one `Event` protobuf: the first names the file version, the others carry a `Summary` with scalar values
 * (`simple_value`) or text (the text plugin's string tensor; tables are written as Markdown, which it renders).
 * File name `events.out.tfevents.<seconds>.<host>`, as TensorBoard looks for; each run of a command adds a file.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { redact } from '../core/secrets.js';
import { maskedCrc32c } from './crc32c.js';
import { message, type Field } from './protobuf.js';
import type { TableRow, Tracker } from './tracker.js';

/** TFRecord framing of one record. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Event fields: wall_time = 1 (double), step = 2 (int64), file_version = 3, summary = 5. */
export function event(wallSeconds: number, step: number, body: { fileVersion: string } | { summary: Uint8Array }): Uint8Array {
  const fields: Field[] = [{ no: 1, double: wallSeconds }, { no: 2, varint: Math.trunc(step) }];
  fields.push('fileVersion' in body ? { no: 3, bytes: body.fileVersion } : { no: 5, bytes: body.summary });
  return message(fields);
}

/** Summary { value = 1: Value { tag = 1, simple_value = 2 (float) } }. */
export function scalarSummary(tag: string, value: number): Uint8Array {
  return message([{ no: 1, bytes: message([{ no: 1, bytes: tag }, { no: 2, float: value }]) }]);
}

/** A text summary: Value { tag = 1, metadata = 9 { plugin_data = 1 { plugin_name = 1: "text" } }, tensor = 8
 *  { dtype = 1: DT_STRING (7), tensor_shape = 2 (scalar: empty), string_val = 8 } }. */
export function textSummary(tag: string, text: string): Uint8Array {
  const metadata = message([{ no: 1, bytes: message([{ no: 1, bytes: 'text' }]) }]);
  const tensor = message([{ no: 1, varint: 7 }, { no: 2, bytes: new Uint8Array(0) }, { no: 8, bytes: text }]);
  return message([{ no: 1, bytes: message([{ no: 1, bytes: tag }, { no: 9, bytes: metadata }, { no: 8, bytes: tensor }]) }]);
}

/** A table as Markdown (TensorBoard's text plugin renders it); cells are kept on one line. */
export function markdownTable(rows: readonly TableRow[]): string {
  if (!rows.length) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v)).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`)].join('\n');
}

export function tensorboardTracker(dir: string, now: () => number = Date.now): Tracker {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `events.out.tfevents.${Math.floor(now() / 1000)}.${hostname()}`);
  let fd: number | undefined = openSync(path, 'a');
  const write = (step: number, body: Parameters<typeof event>[2]) => {
    if (fd === undefined) return;
    writeSync(fd, tfRecord(event(now() / 1000, step, body)));
  };
  write(0, { fileVersion: 'brain.Event:2' });
  return {
    scalar: (name, value, step) => write(step, { summary: scalarSummary(name, value) }),
    table: (name, rows, step) => write(step, { summary: textSummary(name, redact(markdownTable(rows))) }),
    async close() { if (fd !== undefined) { closeSync(fd); fd = undefined; } },
  };
}
