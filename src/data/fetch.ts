/**
 * Downloading and unpacking public data safely: streamed to a temporary file, size and SHA-256 checked when known,
 * renamed into place only when complete; zip entries with absolute paths or `..` are rejected before anything is
 * written.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, cpSync, mkdirSync, renameSync, rmSync, statSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { EpoError } from '../core/errors.js';

export interface DownloadSpec {
  url: string;
  sha256?: string;
  bytes?: number;
}

export async function download(spec: DownloadSpec, dest: string): Promise<void> {
  mkdirSync(dirname(dest), { recursive: true });
  let res: Response;
  try {
    res = await fetch(spec.url, { redirect: 'follow' });
  } catch (e) {
    throw new EpoError('MISSING_DATA', `cannot download: ${(e as Error).message}; install from a local copy with --from DIR instead`, { where: spec.url, cause: e });
  }
  if (!res.ok || !res.body) throw new EpoError('MISSING_DATA', `download failed with HTTP ${res.status}`, { where: spec.url });
  const part = dest + '.part';
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(part));
  const size = statSync(part).size;
  if (spec.bytes !== undefined && size !== spec.bytes) {
    rmSync(part, { force: true });
    throw new EpoError('BAD_DATA', `downloaded ${size} bytes, expected ${spec.bytes}`, { where: spec.url });
  }
  if (spec.sha256) {
    const got = await sha256File(part);
    if (got !== spec.sha256) {
      rmSync(part, { force: true });
      throw new EpoError('BAD_DATA', `checksum mismatch: sha256 ${got}, expected ${spec.sha256}`, { where: spec.url });
    }
  }
  renameSync(part, dest);
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/** The path an archive entry would be written to, or an error if it escapes `destDir`. */
export function safeEntryPath(destDir: string, entry: string): string {
  const clean = entry.replace(/\\/g, '/');
  if (isAbsolute(clean) || /^[A-Za-z]:/.test(clean)) throw new EpoError('BAD_DATA', `archive entry has an absolute path: ${entry}`);
  const target = normalize(join(destDir, clean));
  const rel = relative(destDir, target);
  if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) throw new EpoError('BAD_DATA', `archive entry escapes the destination: ${entry}`);
  return target;
}

/** Extract a zip file; `filter` chooses entries (by their path inside the archive). Returns the number of files. */
export async function extractZip(zipPath: string, destDir: string, filter: (entry: string) => boolean = () => true): Promise<number> {
  mkdirSync(destDir, { recursive: true });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.endsWith('/') || !filter(name)) { zip.readEntry(); return; }
      let target: string;
      try { target = safeEntryPath(destDir, name); } catch (e) { zip.close(); reject(e); return; }
      mkdirSync(dirname(target), { recursive: true });
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) { reject(err); return; }
        pipeline(stream, createWriteStream(target)).then(() => { count++; zip.readEntry(); }, reject);
      });
    });
    zip.readEntry();
  });
  return count;
}

/** Copy a local folder's files (optionally filtered by relative path) into destDir; returns files and bytes copied. */
export function copyFolder(from: string, destDir: string, filter: (rel: string) => boolean = () => true): { files: number; bytes: number } {
  let files = 0, bytes = 0;
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, ent.name);
      const rel = relative(from, abs);
      if (ent.isDirectory()) walk(abs);
      else if (ent.isFile() && filter(rel)) {
        const target = join(destDir, rel);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(abs, target);
        files++;
        bytes += statSync(abs).size;
      }
    }
  };
  try { statSync(from); } catch { throw new EpoError('MISSING_DATA', 'source folder does not exist', { where: from }); }
  walk(from);
  return { files, bytes };
}
