/**
 * A dataset epo can install: from a local folder (`--from DIR`, what CI does) or from its documented public sources.
 * Each environment exports one DataSource; the CLI lists them.
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
  install(opts: InstallOptions): Promise<Manifest>;
}
