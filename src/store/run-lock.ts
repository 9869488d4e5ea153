/**
 * One writer per run. A command that writes a run (eval, self-play, SOTOPIA eval, label, import, merge) holds the
 * run's lock from start to end, so two processes never play (and pay for) the same episodes. Readers (report,
 * list, export, check) do not lock.
 *
 * The lock is an OS file lock, taken through SQLite on `run.lock` in the run folder: the kernel drops it when the
 * holder exits or is killed, so a crash never leaves a stale lock behind. The file itself is never deleted (deleting
 * a lock file lets two processes lock two different files). Who holds the lock is written beside it
 * (`run.lock.json`) only to name the holder when another writer is refused.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { EpoError } from '../core/errors.js';
import { redact } from '../core/secrets.js';
import type { RunDir } from './run-dir.js';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export interface RunLock {
  readonly run: string;
  /** Give the run free again (idempotent). A process that ends without calling it releases the lock too. */
  release(): void;
}

/** The command line of this process, as a user would recognise it (`epo eval alfworld …`). */
export function currentCommand(argv = process.argv): string {
  const script = argv[1] ? basename(argv[1]) : 'node';
  const name = /^main\.[cm]?[jt]s$/.test(script) ? 'epo' : script;
  const line = [name, ...argv.slice(2)].join(' ');
  return redact(line.length > 200 ? `${line.slice(0, 199)}…` : line);
}

/** Open lock connections, kept reachable: a collected connection would close and so drop its lock. */
const heldLocks = new Set<Database.Database>();

const describeHolder = (h: LockHolder | undefined): string =>
  h ? `pid ${h.pid} on ${h.host} (${h.command}) since ${h.since}` : 'another process (it did not say which)';

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Take the lock of a run (creating its folder), or fail at once naming the process that holds it. */
export function lockRun(r: RunDir, command = currentCommand()): RunLock {
  mkdirSync(r.dir, { recursive: true });
  const path = join(r.dir, 'run.lock'), info = `${path}.json`;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db?.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      const holder = readHolder(info);
      throw new EpoError('STORE', `run "${r.name}" is in use by ${describeHolder(holder)}; wait for it to end (or stop it) and run this again, or choose another --run`,
        { where: r.dir, details: holder ? { holder } : undefined });
    }
    throw new EpoError('STORE', `cannot lock run "${r.name}": ${(e as Error).message}`, { where: path, cause: e });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  try {
    writeFileSync(`${info}.${process.pid}`, JSON.stringify(holder) + '\n');
    renameSync(`${info}.${process.pid}`, info);
  } catch (e) {
    db.close(); // closing gives the lock up
    throw new EpoError('STORE', `cannot record the holder of run "${r.name}": ${(e as Error).message}`, { where: info, cause: e });
  }
  const held = db;
  heldLocks.add(held);
  let open = true;
  return {
    run: r.name,
    release() {
      if (!open) return;
      open = false;
      rmSync(info, { force: true }); // before unlocking: the next holder writes its own
      held.exec('ROLLBACK');
      held.close();
      heldLocks.delete(held);
    },
  };
}

/** Run `fn` holding the run's lock. */
export async function withRunLock<T>(r: RunDir, fn: () => Promise<T> | T): Promise<T> {
  const lock = lockRun(r);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
