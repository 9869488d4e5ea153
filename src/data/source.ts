/**
 * A dataset epo can install: from a local folder (`--from DIR`, what CI does) or from its documented public sources.
 * Each environment describes how to fetch its files and what a complete install holds (a DatasetInstaller); the
 * shared `installable` (install.ts) turns that into a DataSource whose install is all or nothing. The CLI lists them.
 */
import type { Logger } from '../core/log.js';
import type { Manifest } from './dir.js';

export interface InstallOptions {
  /** Install from this local folder instead of downloading. */
  from?: string;
  /** Also install the large optional part (e.g. WebShop's full 1.18 M-product catalogue). */
  full?: boolean;
  /** The data root (normally dataDir()); the dataset goes to <root>/<name>. */
  root: string;
  log: Logger;
}

export interface DataSource {
  name: string;
  description: string;
  /** Human-readable list of the public sources used when downloading (URLs, licences). */
  sources: string[];
  /** Install into <root>/<name>, replacing what is there only once the new install is complete and validated. */
  install(opts: InstallOptions): Promise<Manifest>;
}

/** Something a complete install holds, checked over the list of installed files (relative, `/`-separated). */
export interface Requirement {
  /** What it is, as the user should look for it: `the 1k catalogue (products_1k.jsonl or items_shuffle_1000.json)`. */
  what: string;
  met(files: readonly string[]): boolean;
}

export interface StageOptions {
  from?: string;
  full?: boolean;
  /** The empty staging folder to fill; it becomes <root>/<name> when the install succeeds. */
  dir: string;
  log: Logger;
}

/** How one dataset is fetched and checked; the shared installer does the staging, checking and swapping. */
export interface DatasetInstaller {
  name: string;
  description: string;
  sources: string[];
  /** Fill `o.dir` from `o.from` or the public sources; returns the source to record (folder, URLs, checksums). */
  stage(o: StageOptions): Promise<string>;
  /** What a complete install must hold. */
  required(o: { full?: boolean }): Requirement[];
  /** Validate the staged files in depth (parse them) and describe them; its errors name files in `o.dir`. */
  describe(o: StageOptions, source: string): Promise<Manifest> | Manifest;
}
