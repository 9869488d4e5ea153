/**
 * Locating benchmark data for tests: the installed copy (EPO_DATA_DIR, as CI installs it with `epo data install`),
 * else the development copy in ../shared/data (EPO_SHARED_DATA moves it; CI points it nowhere for its no-data pass,
 * as on a fresh clone). A test whose data is absent is skipped with a printed reason.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataDir } from '../../src/data/dir.js';

const SHARED = resolve(process.env.EPO_SHARED_DATA ?? join(process.cwd(), '..', 'shared', 'data'));

/** Path of `rel` inside dataset `name`, or undefined (and a printed reason) when it is not there. */
export function findData(name: string, rel = ''): string | undefined {
  for (const root of [join(dataDir(), name), join(SHARED, name)]) {
    const p = join(root, rel);
    if (existsSync(p)) return p;
  }
  console.warn(`[skip] ${name}/${rel} not found: run \`npm run -s epo -- data install ${name} --from <folder>\` (looked in ${dataDir()} and ${SHARED})`);
  return undefined;
}
