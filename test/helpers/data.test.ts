/** The test-data lookup: installed copy first, then the development copy (which CI can hide), one reason per dataset. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

let tmp: string;
let installed: string;
let shared: string;
let warn: ReturnType<typeof vi.spyOn>;

const put = (root: string, rel: string) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), 'x');
};
/** A fresh copy of the helper, so each test starts with nothing reported yet. */
const helper = async () => {
  vi.resetModules();
  return import('./data.js');
};

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'epo-find-data-'));
  installed = join(tmp, 'installed');
  shared = join(tmp, 'shared');
  mkdirSync(installed);
  vi.stubEnv('EPO_DATA_DIR', installed);
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  vi.unstubAllEnvs();
  warn.mockRestore();
  rmSync(tmp, { recursive: true, force: true });
});

describe('findData', () => {
  it('prefers the installed copy, then the development copy named by EPO_SHARED_DATA', async () => {
    vi.stubEnv('EPO_SHARED_DATA', shared);
    put(shared, 'alfworld/a.json');
    put(shared, 'alfworld/b.json');
    put(installed, 'alfworld/b.json');
    const { findData } = await helper();
    expect(findData('alfworld', 'a.json')).toBe(join(shared, 'alfworld', 'a.json'));
    expect(findData('alfworld', 'b.json')).toBe(join(installed, 'alfworld', 'b.json'));
    expect(findData('alfworld')).toBe(join(installed, 'alfworld'));
    expect(warn).not.toHaveBeenCalled();
  });

  it('finds nothing when EPO_SHARED_DATA names a missing folder, and says once per dataset what to install', async () => {
    vi.stubEnv('EPO_SHARED_DATA', join(tmp, 'absent'));
    const { findData } = await helper();
    expect(findData('alfworld', 'json_2.1.1')).toBeUndefined();
    expect(findData('alfworld', 'logic-epo')).toBeUndefined();
    expect(findData('sotopia')).toBeUndefined();
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      `[skip] alfworld/json_2.1.1 not found in ${installed} or ${join(tmp, 'absent')}: install it with \`npm run -s epo -- data install alfworld\` (add --from <folder> for a local copy)`,
      `[skip] sotopia not found in ${installed} or ${join(tmp, 'absent')}: install it with \`npm run -s epo -- data install sotopia\` (add --from <folder> for a local copy)`,
    ]);
  });

  it('defaults the development copy to ../shared/data beside the checkout', async () => {
    vi.stubEnv('EPO_SHARED_DATA', undefined);
    const { sharedDataDir } = await helper();
    expect(sharedDataDir()).toBe(join(process.cwd(), '..', 'shared', 'data'));
  });
});
