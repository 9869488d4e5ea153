/**
 * Streaming readers for the catalogue files, which are too large for one string (the full items_shuffle.json is
 * several gigabytes): JSON lines, and the elements of one top-level JSON array, read in chunks.
 */
import type { Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { EpoError } from '../../core/errors.js';

const CHUNK = 1 << 20;

function* chunks(path: string, hash?: Hash): Generator<string> {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { throw new EpoError('MISSING_DATA', `cannot open ${path}: ${(e as Error).message}`, { where: path, cause: e }); }
  const buf = Buffer.alloc(CHUNK);
  const dec = new StringDecoder('utf8');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash?.update(buf.subarray(0, n));
      yield dec.write(buf.subarray(0, n));
    }
    const rest = dec.end();
    if (rest) yield rest;
  } finally { closeSync(fd); }
}

/** Parsed JSON lines with their 1-based line numbers; blank lines are skipped. */
/**
 * Parsed JSON lines with their 1-based line numbers and byte ranges in the file (so a line can be read again
 * later without holding it); blank lines are skipped. `hash`, when given, is fed the file's bytes.
 */
export function* readJsonLines<T>(path: string, hash?: Hash): Generator<{ value: T; line: number; offset: number; length: number }> {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { throw new EpoError('MISSING_DATA', `cannot open ${path}: ${(e as Error).message}`, { where: path, cause: e }); }
  const buf = Buffer.alloc(CHUNK);
  let carry = Buffer.alloc(0);
  let base = 0; // file offset of the first byte of `carry`
  let line = 0;
  const parse = (data: Buffer, s: number, e: number) => {
    line++;
    const text = data.toString('utf8', s, e);
    if (!text.trim()) return undefined;
    try { return { value: JSON.parse(text) as T, line, offset: base + s, length: e - s }; } catch (err) {
      throw new EpoError('BAD_DATA', `invalid JSON: ${(err as Error).message}`, { where: `${path}:${line}` });
    }
  };
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash?.update(buf.subarray(0, n));
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let s = 0;
      for (let nl = data.indexOf(10, s); nl !== -1; nl = data.indexOf(10, s)) {
        const r = parse(data, s, nl);
        if (r) yield r;
        s = nl + 1;
      }
      carry = Buffer.from(data.subarray(s));
      base += s;
    }
    if (carry.length) { const r = parse(carry, 0, carry.length); if (r) yield r; }
  } finally { closeSync(fd); }
}

/** The elements of a top-level JSON array (objects), one at a time. */
export function* readJsonArray<T>(path: string, hash?: Hash): Generator<T> {
  let depth = 0, inStr = false, esc = false, started = false;
  let parts: string[] = [];
  let count = 0;
  for (const chunk of chunks(path, hash)) {
    let from = -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (inStr) {
        if (esc) esc = false;
        else if (c === 92) esc = true;
        else if (c === 34) inStr = false;
        continue;
      }
      if (c === 34) { inStr = true; continue; }
      if (c === 91 && !started) { started = true; continue; }
      if (c === 123 || c === 91) { if (depth === 0) from = i; depth++; continue; }
      if (c === 125 || c === 93) {
        if (depth === 0) continue; // the closing bracket of the top-level array
        depth--;
        if (depth === 0) {
          parts.push(chunk.slice(from === -1 ? 0 : from, i + 1));
          const text = parts.join('');
          parts = []; from = -1;
          count++;
          try { yield JSON.parse(text) as T; } catch (e) {
            throw new EpoError('BAD_DATA', `element ${count} of the array is not valid JSON: ${(e as Error).message}`, { where: path });
          }
        }
      }
    }
    if (depth > 0) parts.push(chunk.slice(from === -1 ? 0 : from));
  }
  if (!started) throw new EpoError('BAD_DATA', 'expected a JSON array', { where: path });
}
