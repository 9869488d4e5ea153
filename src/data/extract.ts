/**
 * Unpacking zip archives all or nothing. Entries are written into a temporary folder beside the destination and
 * moved into place only when every chosen entry was written; on any failure the temporary folder is removed, so a
 * rejected entry never leaves its predecessors behind. Names that escape the destination, link and device entries,
 * and entries named twice are refused before anything of theirs is written.
 */
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { EpoError } from '../core/errors.js';

/** The path an archive entry would be written to, or a BAD_DATA error if it is not a plain name inside `destDir`. */
export function safeEntryPath(destDir: string, entry: string, archive?: string): string {
  const bad = (why: string) => new EpoError('BAD_DATA', `archive entry ${JSON.stringify(entry)} ${why}`, { where: archive });
  if (entry.includes('\0')) throw bad('holds a NUL character');
  const clean = entry.replace(/\\/g, '/');
  if (clean === '') throw bad('has an empty name');
  // Drive letters (`C:\x`, drive-relative `C:x`) and UNC names (`\\server\share`) are absolute on Windows.
  if (clean.startsWith('/') || /^[A-Za-z]:/.test(clean)) throw bad('has an absolute path');
  // No legitimate archive needs `..`; refusing every such segment is simpler to trust than normalising.
  if (clean.split('/').includes('..')) throw bad('escapes the destination folder');
  const root = resolve(destDir);
  const target = resolve(root, clean);
  const rel = relative(root, target);
  if (rel === '') throw bad('names the destination folder itself');
  if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) throw bad('escapes the destination folder');
  return target;
}

const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000;

/** Unix file-type bits from the entry's external attributes; 0 when the archiver recorded none (DOS). */
const fileType = (entry: yauzl.Entry): number => (entry.externalFileAttributes >>> 16) & S_IFMT;

/**
 * Extract a zip file; `filter` chooses entries by their path inside the archive (entries not chosen are never
 * written, so they are not inspected). `destDir` may exist: the archive's top-level names are added to it, and
 * none may already be there. Returns the number of files written.
 */
export async function extractZip(zipPath: string, destDir: string, filter: (entry: string) => boolean = () => true): Promise<number> {
  const dest = resolve(destDir);
  mkdirSync(dirname(dest), { recursive: true });
  const stage = mkdtempSync(join(dirname(dest), `.${basename(dest)}.extracting-`));
  try {
    const count = await extractInto(zipPath, stage, filter);
    moveInto(stage, dest);
    return count;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Move a finished extraction into place: one rename when the destination is new, else one per top-level name. */
function moveInto(stage: string, dest: string): void {
  if (!existsSync(dest)) { renameSync(stage, dest); return; }
  const names = readdirSync(stage);
  const clash = names.find((n) => existsSync(join(dest, n)));
  if (clash) throw new EpoError('BAD_DATA', `the archive's ${JSON.stringify(clash)} already exists in the destination; remove it or extract elsewhere`, { where: join(dest, clash) });
  for (const n of names) renameSync(join(stage, n), join(dest, n));
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((res, rej) => yauzl.open(zipPath, { lazyEntries: true }, (err, z) => {
    if (err || !z) rej(new EpoError('BAD_DATA', `cannot read the zip archive: ${err?.message ?? 'unknown error'}`, { where: zipPath, cause: err }));
    else res(z);
  }));
}

async function extractInto(zipPath: string, stage: string, filter: (entry: string) => boolean): Promise<number> {
  const zip = await openZip(zipPath);
  const written = new Set<string>();
  return new Promise<number>((resolveAll, rejectAll) => {
    let settled = false;
    const fail = (e: unknown, entry?: string) => {
      if (settled) return;
      settled = true;
      zip.close();
      if (e instanceof EpoError) rejectAll(e);
      else rejectAll(new EpoError('BAD_DATA', `cannot extract ${entry ? `entry ${JSON.stringify(entry)}` : 'the archive'}: ${(e as Error)?.message ?? String(e)}`, { where: zipPath, cause: e }));
    };
    zip.on('error', (e) => fail(e));
    zip.on('end', () => { if (!settled) { settled = true; resolveAll(written.size); } });
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      try {
        if (name.endsWith('/') || !filter(name)) { zip.readEntry(); return; }
        const type = fileType(entry);
        if (type === S_IFDIR) { zip.readEntry(); return; }
        if (type !== 0 && type !== S_IFREG) {
          throw new EpoError('BAD_DATA', `archive entry ${JSON.stringify(name)} is a symbolic link or special file; links are never extracted`, { where: zipPath });
        }
        const target = safeEntryPath(stage, name, zipPath);
        if (written.has(target)) throw new EpoError('BAD_DATA', `archive entry ${JSON.stringify(name)} appears twice`, { where: zipPath });
        written.add(target);
        mkdirSync(dirname(target), { recursive: true });
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) { fail(err ?? new Error('no data stream'), name); return; }
          pipeline(stream, createWriteStream(target, { flags: 'wx' })).then(() => zip.readEntry(), (e: unknown) => fail(e, name));
        });
      } catch (e) {
        fail(e, name);
      }
    });
    zip.readEntry();
  });
}
