/**
 * `epo data install epo-reference --from DIR`: every file of the release's table is installed unchanged, the extracts
 * run over their staged sources, a missing or broken file fails the install naming it and leaves nothing behind.
 * No network: the public source is only checked for its pinned address.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataSources } from '../../src/cli/commands/data.js';
import { EpoError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { readManifest } from '../../src/data/dir.js';
import { listFiles } from '../../src/data/install.js';
import { loadAlfshopReference } from '../../src/reference/alfshop.js';
import { REFERENCE_COMMIT } from '../../src/reference/files.js';
import { REFERENCE_FILES, referenceData, referenceUrl, runExtracts } from '../../src/reference/install.js';
import { findData } from '../helpers/data.js';

const made: string[] = [];
afterEach(() => { for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true }); });
const temp = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); made.push(d); return d; };

async function rejection(p: Promise<unknown>): Promise<EpoError> {
  try { await p; } catch (e) { return e as EpoError; }
  throw new Error('expected the install to fail');
}

describe('the epo-reference dataset', () => {
  it('is listed by epo data install/status and downloads each file from the pinned commit', () => {
    expect(dataSources.map((d) => d.name)).toContain('epo-reference');
    expect(referenceUrl('Alfshop/eval_agent/prompt/templates.py'))
      .toBe(`https://raw.githubusercontent.com/AlibabaResearch/DAMO-ConvAI/${REFERENCE_COMMIT}/EPO/Alfshop/eval_agent/prompt/templates.py`);
    expect(new Set(REFERENCE_FILES.map((f) => f.path)).size).toBe(20);
  });

  it('runs each extract over its staged source and writes the result beside the raw files', () => {
    const dir = temp('epo-stage-');
    mkdirSync(join(dir, 'Sotopia'), { recursive: true });
    writeFileSync(join(dir, 'Sotopia/a.py'), 'X = "hello"\n');
    runExtracts(dir, [{ from: 'Sotopia/a.py', to: 'extracted/a.json', extract: (s) => JSON.stringify({ x: /"(.*)"/.exec(s)![1] }) }]);
    expect(JSON.parse(readFileSync(join(dir, 'extracted/a.json'), 'utf8'))).toEqual({ x: 'hello' });
  });
});

const release = findData('epo-reference', 'Alfshop/eval_agent/prompt/templates.py') && findData('epo-reference');

describe.skipIf(!release)('epo data install epo-reference --from <folder>', () => {
  /** A copy of the release folder to break. */
  const copy = () => { const d = temp('epo-ref-src-'); cpSync(release!, d, { recursive: true }); rmSync(join(d, 'manifest.json'), { force: true }); return d; };

  it("takes exactly the release folder's files (its README table; not the README itself)", () => {
    const files = listFiles(release!).filter((f) => f !== 'README.md' && f !== 'manifest.json' && !f.startsWith('extracted/'));
    expect(REFERENCE_FILES.map((f) => f.path).sort()).toEqual(files);
  });

  it('installs every file unchanged, with a manifest naming the pinned commit, and the protocol reads it', async () => {
    const root = temp('epo-root-');
    const m = await referenceData.install({ from: release!, root, log: silentLogger });
    expect(m).toMatchObject({ dataset: 'epo-reference', commit: REFERENCE_COMMIT, source: release });
    expect(m.version).toMatch(new RegExp(`^${REFERENCE_COMMIT.slice(0, 12)}-[0-9a-f]{12}$`));
    expect(readManifest('epo-reference', root)).toEqual(m);
    for (const f of REFERENCE_FILES) expect(readFileSync(join(root, 'epo-reference', f.path), 'utf8')).toBe(readFileSync(join(release!, f.path), 'utf8'));
    const alf = loadAlfshopReference('alfworld', root), shop = loadAlfshopReference('webshop', root);
    expect([alf.maxSteps, shop.maxSteps]).toEqual([40, 10]);
    // the release's model config misspells the temperature keys, so its client falls back to 0 for both roles
    expect([alf.strategist.temperature, alf.actor.temperature, alf.maxTokens]).toEqual([0, 0, 512]);
  });

  it('takes a checkout holding the EPO/ folder too', async () => {
    const outer = temp('epo-ref-checkout-');
    cpSync(release!, join(outer, 'EPO'), { recursive: true });
    const root = temp('epo-root-');
    await referenceData.install({ from: outer, root, log: silentLogger });
    expect(existsSync(join(root, 'epo-reference', 'Alfshop/eval_agent/configs/task/webshop.json'))).toBe(true);
  });

  it('fails naming a missing file, leaving the data root empty', async () => {
    const from = copy();
    rmSync(join(from, 'Alfshop/eval_agent/prompt/icl_examples/webshop_thought_icl.json'));
    const root = temp('epo-root-');
    const err = await rejection(referenceData.install({ from, root, log: silentLogger }));
    expect(err.code).toBe('MISSING_DATA');
    expect(err.message).toMatch(/incomplete epo-reference data: missing Alfshop\/eval_agent\/prompt\/icl_examples\/webshop_thought_icl\.json \(the webshop strategist's one-shot example\)/);
    expect(err.where).toBe(from);
    expect(readdirSync(root)).toEqual([]);
  });

  it('fails naming a file that is not JSON, where the user has it', async () => {
    const from = copy();
    writeFileSync(join(from, 'LLaMA-Factory/data/dataset_info.json'), '{ "alfshop_rl": ');
    const err = await rejection(referenceData.install({ from, root: temp('epo-root-'), log: silentLogger }));
    expect(err.code).toBe('BAD_DATA');
    expect(err.where).toBe(join(from, 'LLaMA-Factory/data/dataset_info.json'));
  });

  it('fails when a task config has no step limit, naming it', async () => {
    const from = copy();
    const p = join(from, 'Alfshop/eval_agent/configs/task/alfworld.json');
    const cfg = JSON.parse(readFileSync(p, 'utf8'));
    delete cfg.env_config.max_steps;
    writeFileSync(p, JSON.stringify(cfg));
    const err = await rejection(referenceData.install({ from, root: temp('epo-root-'), log: silentLogger }));
    expect(err.code).toBe('BAD_DATA');
    expect(err.message).toMatch(/env_config\.max_steps must be a positive integer/);
    expect(err.where).toBe(p);
  });
});
