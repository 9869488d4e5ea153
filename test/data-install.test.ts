/**
 * `epo data install`: an install replaces the old one only when it is complete and validated; a failed or partial
 * one leaves the old install as it was and nothing behind. The same rule for all three datasets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EpoError } from '../src/core/errors.js';
import { silentLogger } from '../src/core/log.js';
import { readManifest } from '../src/data/dir.js';
import { alfworldData } from '../src/envs/alfworld/data.js';
import { SOTOPIA_FILES, sotopiaSource } from '../src/envs/sotopia/data.js';
import { webshopData } from '../src/envs/webshop/data.js';

const made: string[] = [];
afterEach(() => { for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true }); });
const temp = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); made.push(d); return d; };

/** A folder holding the given files (relative path → content). */
function folder(files: Record<string, string>): string {
  const dir = temp('epo-src-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function rejection(p: Promise<unknown>): Promise<EpoError> {
  try { await p; } catch (e) { return e as EpoError; }
  throw new Error('expected the install to fail');
}

const product = JSON.stringify({ id: 'B000000001', contents: 'a mug', product: { asin: 'B000000001', name: 'Mug' } }) + '\n';
const game = (split: string) => `json_2.1.1/${split}/pick_and_place_simple-Mug-None-Desk-308/trial_T1/game.tw-pddl`;

describe('a failed install keeps the good one', () => {
  it('webshop: --from an empty folder fails, naming what is missing; the old install, its manifest and files stay', async () => {
    const root = temp('epo-root-');
    const good = await webshopData.install({ from: folder({ 'products_1k.jsonl': product, 'human_goals.json': '["a mug"]' }), root, log: silentLogger });
    expect(readManifest('webshop', root)).toMatchObject({ dataset: 'webshop', version: good.version, files: 2 });
    const empty = temp('epo-empty-');
    const err = await rejection(webshopData.install({ from: empty, root, log: silentLogger }));
    expect(err.code).toBe('MISSING_DATA');
    expect(err.message).toMatch(/missing the 1k catalogue \(products_1k\.jsonl or items_shuffle_1000\.json\)/);
    expect(err.where).toBe(empty);
    expect(readManifest('webshop', root)).toEqual(good);
    expect(readFileSync(join(root, 'webshop', 'products_1k.jsonl'), 'utf8')).toBe(product);
    expect(readdirSync(root)).toEqual(['webshop']);
  });

  it('webshop: a folder with only human_goals.json is partial, named with the folder', async () => {
    const from = folder({ 'human_goals.json': '["a mug"]' });
    const root = temp('epo-root-');
    const err = await rejection(webshopData.install({ from, root, log: silentLogger }));
    expect(err.message).toMatch(/incomplete webshop data: missing the 1k catalogue/);
    expect(err.where).toBe(from);
    expect(readdirSync(root)).toEqual([]);
    const full = await rejection(webshopData.install({ from, full: true, root, log: silentLogger }));
    expect(full.message).toMatch(/missing the full catalogue \(products_full\.jsonl or items_shuffle\.json\)/);
  });

  it('alfworld: a folder without game files fails and the old install stays', async () => {
    const root = temp('epo-root-');
    await alfworldData.install({ from: folder({ [game('valid_seen')]: '{}' }), root, log: silentLogger });
    const before = readManifest('alfworld', root);
    expect(before).toMatchObject({ dataset: 'alfworld', files: 1 });
    const from = folder({ 'json_2.1.1/valid_seen/README': 'no games here', 'logic/alfred.pddl': '(define)' });
    const err = await rejection(alfworldData.install({ from, root, log: silentLogger }));
    expect(err.code).toBe('MISSING_DATA');
    expect(err.message).toMatch(/missing the game files \(json_2\.1\.1\/<split>\/<task>\/<trial>\/game\.tw-pddl\)/);
    expect(err.where).toBe(from);
    expect(readManifest('alfworld', root)).toEqual(before);
    expect(existsSync(join(root, 'alfworld', game('valid_seen')))).toBe(true);
    expect(readdirSync(root)).toEqual(['alfworld']);
  });

  it('sotopia: a folder missing the profiles names each missing file', async () => {
    const from = folder({ [SOTOPIA_FILES.scenarios]: '' });
    const root = temp('epo-root-');
    const err = await rejection(sotopiaSource.install({ from, root, log: silentLogger }));
    expect(err.code).toBe('MISSING_DATA');
    expect(err.message).toContain('missing agent_profiles.jsonl (characters); relationship_profiles.jsonl (relationships); env_agent_combo_storages.jsonl (tasks)');
    expect(err.message).not.toContain('environment_profiles.jsonl');
    expect(err.where).toBe(from);
    expect(readdirSync(root)).toEqual([]);
  });

  it('sotopia: a file that fails validation is named where the user has it, not in the install folder', async () => {
    const from = folder({
      [SOTOPIA_FILES.scenarios]: '{not json\n', [SOTOPIA_FILES.characters]: '', [SOTOPIA_FILES.relationships]: '', [SOTOPIA_FILES.combos]: '',
    });
    const root = temp('epo-root-');
    const err = await rejection(sotopiaSource.install({ from, root, log: silentLogger }));
    expect(err.code).toBe('BAD_DATA');
    expect(err.where).toMatch(new RegExp(`^${join(from, SOTOPIA_FILES.scenarios).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(err.message).not.toContain(root);
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('a complete install replaces the old one whole', () => {
  it('drops files of the old install that the new one does not have and records the new manifest', async () => {
    const root = temp('epo-root-');
    await webshopData.install({ from: folder({ 'products_1k.jsonl': product, 'goal_query_map.json': '{}' }), root, log: silentLogger });
    const m = await webshopData.install({ from: folder({ 'products_1k.jsonl': product }), root, log: silentLogger });
    expect(readdirSync(join(root, 'webshop')).sort()).toEqual(['manifest.json', 'products_1k.jsonl']);
    expect(readManifest('webshop', root)).toEqual(m);
    expect(readdirSync(root)).toEqual(['webshop']);
  });

  it('reinstalls from the install folder itself', async () => {
    const root = temp('epo-root-');
    await alfworldData.install({ from: folder({ [game('valid_seen')]: '{}', [game('valid_unseen')]: '{}' }), root, log: silentLogger });
    const m = await alfworldData.install({ from: join(root, 'alfworld'), root, log: silentLogger });
    expect(m.files).toBe(2);
    expect(existsSync(join(root, 'alfworld', game('valid_unseen')))).toBe(true);
    expect(readdirSync(root)).toEqual(['alfworld']);
  });
});

describe('an install interrupted by a dead process', () => {
  it('is cleaned up by the next install, and an old install swapped out is put back first', async () => {
    const root = temp('epo-root-');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    mkdirSync(join(root, `.webshop.installing-${dead}-abc123`, 'half'), { recursive: true });
    const swappedOut = join(root, `.alfworld.previous-${dead}-abc123`);
    mkdirSync(dirname(join(swappedOut, game('valid_seen'))), { recursive: true });
    writeFileSync(join(swappedOut, game('valid_seen')), '{}');
    mkdirSync(join(root, `.webshop.installing-${process.pid}-live00`));
    await webshopData.install({ from: folder({ 'products_1k.jsonl': product }), root, log: silentLogger });
    expect(readdirSync(root).sort()).toEqual([`.alfworld.previous-${dead}-abc123`, `.webshop.installing-${process.pid}-live00`, 'webshop']);
    await rejection(alfworldData.install({ from: temp('epo-empty-'), root, log: silentLogger }));
    expect(existsSync(join(root, 'alfworld', game('valid_seen')))).toBe(true);
    expect(readdirSync(root).sort()).toEqual([`.webshop.installing-${process.pid}-live00`, 'alfworld', 'webshop']);
  });
});

describe('epo data install (CLI)', () => {
  it('exits non-zero on a failed install and status still shows the old one', () => {
    const root = temp('epo-root-');
    const epo = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'data', ...args], {
      env: { ...process.env, EPO_DATA_DIR: root }, encoding: 'utf8',
    });
    const ok = epo('install', 'webshop', '--from', folder({ 'products_1k.jsonl': product }));
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const bad = epo('install', 'webshop', '--from', temp('epo-empty-'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error \[MISSING_DATA\]: incomplete webshop data: missing the 1k catalogue/);
    expect(bad.stderr).toMatch(/the install in .* was left as it was/);
    const status = epo('status');
    expect(status.stdout).toMatch(/webshop +installed +webshop-small/);
  });
});
