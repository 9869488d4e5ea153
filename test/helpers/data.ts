/**
 * Locating benchmark data for tests: the installed copy (EPO_DATA_DIR, as CI installs it with `epo data install`),
 * else the development copy in EPO_SHARED_DATA (default ../shared/data; CI points it at a missing folder to run the
 * suite as a fresh clone would). A test whose data is absent is skipped with a printed reason, once per dataset and
 * test file, so the path must only be joined inside the tests, never at collection.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataDir } from '../../src/data/dir.js';

/** The development copy of the data, beside the checkout unless EPO_SHARED_DATA says otherwise. */
export const sharedDataDir = (): string => resolve(process.env.EPO_SHARED_DATA ?? join(process.cwd(), '..', 'shared', 'data'));

const reported = new Set<string>();

/** Path of `rel` inside dataset `name`, or undefined (and a printed reason) when it is not there. */
export function findData(name: string, rel = ''): string | undefined {
  const roots = [dataDir(), sharedDataDir()];
  for (const root of roots) {
    const p = join(root, name, rel);
    if (existsSync(p)) return p;
  }
  if (!reported.has(name)) {
    reported.add(name);
    console.warn(`[skip] ${join(name, rel)} not found in ${roots.join(' or ')}: install it with \`npm run -s epo -- data install ${name}\` (add --from <folder> for a local copy)`);
  }
  return undefined;
}
