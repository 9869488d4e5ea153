/**
 * Downloading and unpacking public data safely: streamed to a temporary file, size and SHA-256 checked when known,
 * renamed into place only when complete. Zip extraction lives in extract.ts.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, cpSync, mkdirSync, renameSync, rmSync, statSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/**
 * Copy a local folder's regular files (optionally filtered by relative path) into destDir; returns files and bytes
 * copied. Links are not followed, and destDir is skipped when it lies inside the source (installing beside it).
 */
export function copyFolder(from: string, destDir: string, filter: (rel: string) => boolean = () => true): { files: number; bytes: number } {
  let files = 0, bytes = 0;
  const skip = resolve(destDir);
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, ent.name);
      const rel = relative(from, abs);
      if (ent.isDirectory()) { if (resolve(abs) !== skip) walk(abs); }
      else if (ent.isFile() && filter(rel)) {
        const target = join(destDir, rel);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(abs, target);
        files++;
        bytes += statSync(abs).size;
      }
    }
  };
  const st = statSync(from, { throwIfNoEntry: false });
  if (!st) throw new EpoError('MISSING_DATA', 'the source folder does not exist', { where: from });
  if (!st.isDirectory()) throw new EpoError('MISSING_DATA', 'the source is not a folder; give --from the folder holding the dataset', { where: from });
  walk(from);
  return { files, bytes };
}
