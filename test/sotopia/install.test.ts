import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { loadSotopia, sotopiaSource } from '../../src/envs/sotopia/data.js';
import { findData } from '../helpers/data.js';

const dir = findData('sotopia', 'environment_profiles.jsonl') ? findData('sotopia') : undefined;

describe.skipIf(!dir)('epo data install sotopia --from DIR', () => {
  it('copies the four profile files, the hard list and the extra scenarios, validates them, and records counts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sot-data-'));
    const m = await sotopiaSource.install({ from: dir!, root, log: silentLogger });
    expect(m).toMatchObject({ dataset: 'sotopia', files: 6, scenarios: 90, characters: 40, tasks: 450, hardEntries: 20 });
    expect(existsSync(join(root, 'sotopia', 'extra', 'redis_json_data.json'))).toBe(true);
    expect(existsSync(join(root, 'sotopia', 'sotopia_pi'))).toBe(false);
    expect(loadSotopia(join(root, 'sotopia')).version).toBe(m.version);
  });

  it('names the missing file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sot-data-'));
    await expect(sotopiaSource.install({ from: root, root, log: silentLogger })).rejects.toThrow(/missing environment_profiles.jsonl/);
  });
});
