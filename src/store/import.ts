/**
 * `epo episodes import`: add the episodes of a JSON Lines file to a run, all or nothing.
 * - Every line is checked (JSON, fields and their types, the run's protocol) before anything is written; the
 *   writing is then one transaction, so a failure leaves the run as it was.
 * - Episodes must fit the run's protocol (run-protocol.ts); into a new run, they must all share the first one's.
 * - An id already in the run is skipped (and counted), unless `replace`: then the stored episode is overwritten and
 *   its labels are dropped (and counted), since they describe the replaced turns.
 * - The run is locked while it is written; a new run is only created once the whole file has been checked.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import type { Episode } from '../core/episode.js';
import { EpoError } from '../core/errors.js';
import { readEpisodes } from './jsonl.js';
import { conditionsOfEpisode, misfit, runConditions, type RunConditions } from './run-protocol.js';
import { runDir } from './run-dir.js';
import { lockRun } from './run-lock.js';
import { RunStore } from './run-store.js';

export interface ImportOptions {
  /** Overwrite stored episodes with the same id (their labels are dropped). Default: skip them. */
  replace?: boolean;
  /** The run's name, for messages. */
  run?: string;
}

export interface ImportResult {
  /** New episodes. */
  added: number;
  /** Stored episodes overwritten (with `replace`). */
  replaced: number;
  /** Episodes whose id was already stored, left as they were (without `replace`). */
  skipped: number;
  /** Labels of the replaced episodes, deleted with them. */
  labelsDropped: number;
}

interface Checked {
  count: number;
  ids: Set<string>;
  conditions?: RunConditions;
  /** Where the conditions come from, for messages. */
  source: string;
}

function fits(c: Checked, e: Episode, where: string): void {
  if (!c.conditions) return;
  const why = misfit(c.conditions, e);
  if (why) throw new EpoError('BAD_INPUT', `episode ${e.id} was made with another protocol than ${c.source}: ${why}; import it into another run`, { where, details: { episode: e.id } });
}

/** Check every line of the file against the run's conditions (or, for a new run, the first episode's). */
async function checkFile(path: string, target: RunConditions | undefined, run: string): Promise<Checked> {
  const c: Checked = { count: 0, ids: new Set(), conditions: target, source: `run "${run}"` };
  const lineOf = new Map<string, string>();
  for await (const { episode: e, where } of readEpisodes(path)) {
    if (!c.conditions) { c.conditions = conditionsOfEpisode(e); c.source = `the file's first episode (${where})`; }
    fits(c, e, where);
    const first = lineOf.get(e.id);
    if (first) throw new EpoError('BAD_DATA', `episode ${e.id} appears twice in the file (first at ${first})`, { where });
    lineOf.set(e.id, where);
    c.ids.add(e.id);
    c.count++;
  }
  return c;
}

/** Import into an open store (the caller holds the run's lock). */
export async function importEpisodes(store: RunStore, path: string, opts: ImportOptions = {}): Promise<ImportResult> {
  return write(store, path, await checkFile(path, runConditions(store), opts.run ?? 'the run'), opts);
}

async function write(store: RunStore, path: string, checked: Checked, opts: ImportOptions): Promise<ImportResult> {
  const stored = store.finishedIds();
  const result: ImportResult = { added: 0, replaced: 0, skipped: 0, labelsDropped: 0 };
  if (opts.replace) result.labelsDropped = store.countLabels([...checked.ids].filter((id) => stored.has(id)));
  await store.atomically(async () => {
    // read again (the file is not held in memory); the checks run again in case it changed meanwhile
    for await (const { episode: e, where, labels } of readEpisodes(path)) {
      fits(checked, e, where);
      if (!stored.has(e.id)) { store.putEpisode(e); result.added++; }
      else if (!opts.replace) { result.skipped++; continue; }
      else { store.replaceEpisode(e); result.replaced++; }
      for (const l of labels ?? []) store.putLabel(e.id, l); // an export's labels describe exactly these turns
    }
  });
  return result;
}

/** Import into a run by name: locks it, creates it if needed (only for a file that passed every check). */
export async function importIntoRun(run: string, path: string, opts: ImportOptions & { runsRoot?: string } = {}): Promise<ImportResult> {
  if (!existsSync(path)) throw new EpoError('NOT_FOUND', 'episodes file not found: give a .jsonl file written by `epo episodes export`', { where: path });
  if (!statSync(path).isFile()) throw new EpoError('BAD_INPUT', 'not a file: give a .jsonl file written by `epo episodes export`', { where: path });
  const r = runDir(run, opts.runsRoot);
  const isNew = !existsSync(r.store);
  // a new run is created only for a file that passed every check
  const checkedNew = isNew ? await checkFile(path, undefined, run) : undefined;
  if (checkedNew?.count === 0) return { added: 0, replaced: 0, skipped: 0, labelsDropped: 0 };
  let created = isNew && !existsSync(r.dir);
  const lock = lockRun(r);
  let store: RunStore | undefined;
  try {
    store = RunStore.open(r.store);
    const target = runConditions(store);
    if (target) created = false; // another writer started the run meanwhile: check against it, never remove it
    const checked = checkedNew && !target ? checkedNew : await checkFile(path, target, run);
    return await write(store, path, checked, { ...opts, run });
  } catch (e) {
    store?.close();
    store = undefined;
    // a run this import was to create is removed again (still locked, so no other writer has it)
    if (created) rmSync(r.dir, { recursive: true, force: true });
    throw e;
  } finally {
    store?.close();
    lock.release();
  }
}
