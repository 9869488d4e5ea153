/**
 * Installing a dataset all or nothing, the same way for every dataset: fill a staging folder beside the destination
 * (`<root>/.<name>.installing-<pid>-…`), check it holds everything a complete install needs, validate and describe
 * it, write its manifest, and only then swap it in by renaming. On any failure the staging folder is removed and the
 * old install is untouched. A staging or swapped-out folder left by a process that died is cleaned up (or put back)
 * by the next install.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { EpoError, isEpoError } from '../core/errors.js';
import { datasetDir, writeManifestIn, type Manifest } from './dir.js';
import type { DatasetInstaller, DataSource, InstallOptions, Requirement, StageOptions } from './source.js';

/** A requirement met by any one of several files (relative paths). */
export const oneOf = (what: string, names: string[]): Requirement =>
  ({ what: `${what} (${names.join(' or ')})`, met: (files) => names.some((n) => files.includes(n)) });

/** A requirement met by one file. */
export const file = (name: string, what: string): Requirement => ({ what: `${name} (${what})`, met: (files) => files.includes(name) });

/** The requirements not met by a list of files. */
export const missing = (required: Requirement[], files: readonly string[]): Requirement[] => required.filter((r) => !r.met(files));

/** Every regular file under dir, relative and `/`-separated. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, ent.name);
      if (ent.isDirectory()) walk(abs);
      else if (ent.isFile()) out.push(relative(dir, abs).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** A DataSource whose install goes through the shared all-or-nothing installer. */
export function installable(i: DatasetInstaller): DataSource {
  return { name: i.name, description: i.description, sources: i.sources, install: (o) => installDataset(i, o) };
}

export async function installDataset(i: DatasetInstaller, o: InstallOptions): Promise<Manifest> {
  const root = resolve(o.root);
  const dest = datasetDir(i.name, root);
  mkdirSync(root, { recursive: true });
  sweepStale(root, i.name);
  const dir = mkdtempSync(join(root, `.${i.name}.installing-${process.pid}-`));
  const so: StageOptions = { from: o.from, full: o.full, dir, log: o.log };
  const kept = () => (existsSync(dest) ? `the install in ${dest} was left as it was` : 'nothing was installed');
  try {
    const source = await i.stage(so);
    const lacking = missing(i.required(o), listFiles(dir));
    if (lacking.length) {
      throw new EpoError('MISSING_DATA', `incomplete ${i.name} data: missing ${lacking.map((r) => r.what).join('; ')}; ${kept()}`, { where: o.from ?? source });
    }
    let m: Manifest;
    try { m = await i.describe(so, source); } catch (e) { throw relocate(e, dir, o.from ?? source); }
    writeManifestIn(dir, m);
    swapIn(dir, dest, root, i.name);
    return m;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replace dest by the staged folder: two renames, putting the old install back if the second fails. */
function swapIn(staged: string, dest: string, root: string, name: string): void {
  if (!existsSync(dest)) { renameSync(staged, dest); return; }
  const old = mkdtempSync(join(root, `.${name}.previous-${process.pid}-`));
  rmSync(old, { recursive: true });
  renameSync(dest, old);
  try {
    renameSync(staged, dest);
  } catch (e) {
    renameSync(old, dest);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Folders of installs whose process died: staging ones are removed; an old install swapped out goes back. */
function sweepStale(root: string, name: string): void {
  const pattern = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(installing|previous)-(\\d+)-`);
  for (const entry of readdirSync(root)) {
    const m = pattern.exec(entry);
    if (!m || alive(Number(m[2]))) continue;
    const path = join(root, entry);
    if (m[1] === 'previous' && !existsSync(datasetDir(name, root))) renameSync(path, datasetDir(name, root));
    else rmSync(path, { recursive: true, force: true });
  }
}

/** An error that names a staged file, renamed to name the file where the user has it (the staging folder is gone). */
function relocate(e: unknown, staged: string, origin: string): unknown {
  if (!isEpoError(e) || !e.message.includes(staged)) return e;
  const swap = (s: string) => s.split(staged).join(origin);
  const base = e.where !== undefined ? e.message.slice(0, e.message.length - ` (at ${e.where})`.length) : e.message;
  return new EpoError(e.code, swap(base), { where: e.where !== undefined ? swap(e.where) : undefined, cause: e, details: e.details });
}
