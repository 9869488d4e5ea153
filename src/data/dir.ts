/**
 * Where installed benchmark data lives: EPO_DATA_DIR, or the user's cache folder (XDG_CACHE_HOME/epo/data,
 * ~/.cache/epo/data). Each dataset has its own subfolder with a `manifest.json` written when an install completes,
 * so a half-finished install is never mistaken for a finished one.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function dataDir(): string {
  if (process.env.EPO_DATA_DIR) return resolve(process.env.EPO_DATA_DIR);
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'epo', 'data');
}

export interface Manifest {
  dataset: string;
  /** Recorded with runs as the data version. */
  version: string;
  source: string;
  installedAt: string;
  files: number;
  bytes: number;
  [key: string]: unknown;
}

export const datasetDir = (name: string, root = dataDir()): string => join(root, name);

export function readManifest(name: string, root = dataDir()): Manifest | undefined {
  const p = join(datasetDir(name, root), 'manifest.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Manifest) : undefined;
}

export function writeManifest(m: Manifest, root = dataDir()): void {
  writeManifestIn(datasetDir(m.dataset, root), m);
}

/** Write the manifest into a dataset folder (the installer writes it into its staging folder, last). */
export function writeManifestIn(dir: string, m: Manifest): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
}
