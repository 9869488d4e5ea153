/** Runs are named by path too: a self-play or demo run's stages are sub-runs inside its folder (`demo/it3-eval`). */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EpoError } from '../src/core/errors.js';
import { existingRunDir, runDir } from '../src/store/run-dir.js';
import { RunStore } from '../src/store/run-store.js';

const errorOf = (fn: () => unknown): EpoError => { try { fn(); } catch (e) { return e as EpoError; } throw new Error('no error'); };

describe('run names and paths', () => {
  it('resolves a sub-run path inside its parent folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'epo-runs-'));
    expect(runDir('demo/it3-eval', root)).toEqual({
      name: 'demo/it3-eval', dir: join(root, 'demo', 'it3-eval'), store: join(root, 'demo', 'it3-eval', 'epo.sqlite'),
      config: join(root, 'demo', 'it3-eval', 'config.yaml'), log: join(root, 'demo', 'it3-eval', 'log.jsonl'),
    });
    mkdirSync(join(root, 'demo', 'it3-eval'), { recursive: true });
    RunStore.open(join(root, 'demo', 'it3-eval', 'epo.sqlite')).close();
    expect(existingRunDir('demo/it3-eval', root).dir).toBe(join(root, 'demo', 'it3-eval'));
    expect(runDir('demo/it3-eval/', root).name).toBe('demo/it3-eval'); // a trailing slash, as shells complete folders
  });

  it('refuses paths that leave the runs folder or are not names, naming --run', () => {
    for (const bad of ['../x', 'demo/../../x', '/abs', 'a//b', 'demo/.hidden', '.', 'a\\b', '']) {
      const e = errorOf(() => runDir(bad, '/tmp/runs'));
      expect(e).toBeInstanceOf(EpoError);
      expect(e.where).toBe('--run');
      expect(e.message).toContain('demo/it3-eval');
    }
  });
});
