import { Command } from 'commander';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { registerData } from '../../../cli/commands/data.js';

async function epo(...args: string[]): Promise<string> {
  const program = new Command('epo').exitOverride();
  registerData(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  try { await program.parseAsync(['node', 'epo', ...args]); } finally { spy.mockRestore(); }
  return out;
}

describe('epo data generate alfworld', () => {
  it('writes the games, a manifest and a summary; a second run replaces its own earlier set', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'epo-cli-')), 'set');
    const out = await epo('data', 'generate', 'alfworld', '--count', '12', '--seed', '3', '--out', dir, '--types', 'heat=1,two=2');
    expect(out).toMatch(/^wrote 12 games to .*set in [\d.]+ s \(seed 3, mean walkthrough [\d.]+ steps\)\n/);
    expect(out).toContain('pick_heat_then_place_in_recep    4\n');
    expect(out).toContain('pick_two_obj_and_place           8\n');
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ dataset: 'alfworld-generated', count: 12, seed: 3, types: { pick_heat_then_place_in_recep: 4, pick_two_obj_and_place: 8 } });
    for (const g of m.games) expect(existsSync(join(dir, g.path))).toBe(true);
    const first = m.games[0].path;
    await epo('data', 'generate', 'alfworld', '--count', '2', '--seed', '4', '--out', dir);
    expect(existsSync(join(dir, first))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).count).toBe(2);
  });

  it('writes the release layout with --split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-cli-'));
    await epo('data', 'generate', 'alfworld', '--count', '3', '--out', dir, '--split', 'train', '--grammar', 'epo');
    const m = JSON.parse(readFileSync(join(dir, 'json_2.1.1', 'train', 'manifest.json'), 'utf8'));
    const game = JSON.parse(readFileSync(join(dir, 'json_2.1.1', 'train', m.games[0].path), 'utf8'));
    expect(game.grammar).toContain('template :: "put {o} in/on {r}";');
  });

  it('refuses bad options and foreign folders with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-cli-'));
    await expect(epo('data', 'generate', 'alfworld', '--types', 'pick,fly', '--out', dir)).rejects.toThrow(/unknown task type "fly".*\(at --types\)/);
    await expect(epo('data', 'generate', 'alfworld', '--rooms', 'garage', '--out', dir)).rejects.toThrow(/unknown room type "garage"/);
    await expect(epo('data', 'generate', 'alfworld', '--receptacles', '5-x', '--out', dir)).rejects.toThrow(/expected N or MIN-MAX/);
    await expect(epo('data', 'generate', 'alfworld', '--closed-share', '2', '--out', dir)).rejects.toThrow(/--closed-share must be a number from 0 to 1, got "2"/);
    await expect(epo('data', 'generate', 'alfworld', '--types', 'pick,heat', '--rooms', 'bathroom', '--out', dir)).rejects.toThrow(/heat_then_place_in_recep never occurs in room types bathroom/);
    expect(readdirSync(dir)).toEqual([]);
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'notes.txt'), 'keep me');
    await expect(epo('data', 'generate', 'alfworld', '--out', join(dir, 'mine'))).rejects.toThrow(/not empty and holds no generated set/);
    expect(readFileSync(join(dir, 'mine', 'notes.txt'), 'utf8')).toBe('keep me');
  });
});
