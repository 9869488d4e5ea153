/** Zip extraction: entry names that escape, link entries, and the all-or-nothing rule (nothing left on failure). */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EpoError } from '../src/core/errors.js';
import { extractZip, safeEntryPath } from '../src/data/extract.js';
import { buildZip, crc32, type ZipEntrySpec } from './helpers/zip.js';

const made: string[] = [];
afterEach(() => { for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A fresh parent folder (holding only what extraction writes) and a zip file elsewhere. */
function setup(entries: ZipEntrySpec[]): { parent: string; dest: string; zip: string } {
  const parent = mkdtempSync(join(tmpdir(), 'epo-extract-'));
  const zipDir = mkdtempSync(join(tmpdir(), 'epo-zip-'));
  made.push(parent, zipDir);
  const zip = join(zipDir, 'archive.zip');
  writeFileSync(zip, buildZip(entries));
  return { parent, dest: join(parent, 'out'), zip };
}

async function rejection(p: Promise<unknown>): Promise<EpoError> {
  try { await p; } catch (e) { return e as EpoError; }
  throw new Error('expected extraction to fail');
}

describe('safeEntryPath', () => {
  const dest = join(tmpdir(), 'dest');
  it('keeps a plain relative name inside the destination', () => {
    expect(safeEntryPath(dest, 'a/b.txt')).toBe(join(dest, 'a', 'b.txt'));
    expect(safeEntryPath(dest, 'a\\b.txt')).toBe(join(dest, 'a', 'b.txt'));
    expect(safeEntryPath(dest, './a/./b.txt')).toBe(join(dest, 'a', 'b.txt'));
  });
  it.each([
    ['../x', /escapes/],
    ['a/../../b', /escapes/],
    ['a/../b', /escapes/],
    ['..\\x', /escapes/],
    ['/etc/x', /absolute/],
    ['\\\\server\\share\\x', /absolute/],
    ['C:\\x', /absolute/],
    ['C:x', /absolute/],
    ['c:/x', /absolute/],
    ['', /empty name/],
    ['.', /names the destination folder itself/],
    ['a/..', /escapes|destination folder itself/],
    ['a\0b', /NUL/],
  ])('refuses %j', (entry, why) => {
    let err: unknown;
    try { safeEntryPath(dest, entry); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(EpoError);
    expect((err as EpoError).code).toBe('BAD_DATA');
    expect((err as EpoError).message).toMatch(why);
  });
});

describe('the test zip writer', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
  });
});

describe('extractZip', () => {
  it('extracts the chosen files with their contents and counts them', async () => {
    const { dest, zip, parent } = setup([
      { name: 'data/' }, { name: 'data/a.txt', data: 'alpha' }, { name: 'data/sub/b.txt', data: 'beta' }, { name: 'skip/c.txt', data: 'gamma' },
    ]);
    expect(await extractZip(zip, dest, (e) => e.startsWith('data/'))).toBe(2);
    expect(readFileSync(join(dest, 'data', 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(dest, 'data', 'sub', 'b.txt'), 'utf8')).toBe('beta');
    expect(existsSync(join(dest, 'skip'))).toBe(false);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('adds to an existing folder without touching what is there, and refuses to overwrite', async () => {
    const { dest, zip, parent } = setup([{ name: 'new/a.txt', data: 'alpha' }]);
    mkdirSync(join(dest, 'old'), { recursive: true });
    writeFileSync(join(dest, 'old', 'keep.txt'), 'kept');
    expect(await extractZip(zip, dest)).toBe(1);
    expect(readFileSync(join(dest, 'new', 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(dest, 'old', 'keep.txt'), 'utf8')).toBe('kept');
    const err = await rejection(extractZip(zip, dest));
    expect(err.code).toBe('BAD_DATA');
    expect(err.message).toMatch(/already exists/);
    expect(readFileSync(join(dest, 'new', 'a.txt'), 'utf8')).toBe('alpha');
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('refuses a symbolic link entry (even when a later entry goes through it) and leaves nothing behind', async () => {
    const { dest, zip, parent } = setup([
      { name: 'a.txt', data: 'written first' },
      { name: 'link', data: '/etc', mode: 0o120777 },
      { name: 'link/file', data: 'through the link' },
    ]);
    const err = await rejection(extractZip(zip, dest));
    expect(err).toBeInstanceOf(EpoError);
    expect(err.code).toBe('BAD_DATA');
    expect(err.message).toMatch(/"link" is a symbolic link/);
    expect(err.where).toBe(zip);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses a traversal entry after good ones and leaves nothing behind', async () => {
    const { dest, zip, parent } = setup([{ name: 'a.txt', data: 'written first' }, { name: '../escaped.txt', data: 'x' }]);
    const err = await rejection(extractZip(zip, dest));
    expect(err.code).toBe('BAD_DATA');
    expect(err.message).toMatch(/\.\.\/escaped\.txt/);
    expect(readdirSync(parent)).toEqual([]);
    expect(existsSync(join(parent, '..', 'escaped.txt'))).toBe(false);
  });

  it.each([
    ['an absolute name', '/tmp/epo-abs.txt'],
    ['a backslash traversal', '..\\escaped.txt'],
    ['a drive letter', 'C:\\x.txt'],
  ])('refuses %s and leaves an existing folder as it was', async (_what, name) => {
    const { dest, zip, parent } = setup([{ name: 'a.txt', data: 'x' }, { name, data: 'x' }]);
    mkdirSync(dest);
    writeFileSync(join(dest, 'keep.txt'), 'kept');
    const err = await rejection(extractZip(zip, dest));
    expect(err.code).toBe('BAD_DATA');
    expect(readdirSync(dest)).toEqual(['keep.txt']);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('reports a file that must also be a folder as bad data, not a crash', async () => {
    const { dest, zip, parent } = setup([{ name: 'a', data: 'file' }, { name: 'a/b', data: 'inside' }]);
    const err = await rejection(extractZip(zip, dest));
    expect(err.code).toBe('BAD_DATA');
    expect(err.message).toMatch(/"a\/b"/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses an entry named twice', async () => {
    const { dest, zip, parent } = setup([{ name: 'a.txt', data: 'one' }, { name: 'a.txt', data: 'two' }]);
    expect((await rejection(extractZip(zip, dest))).message).toMatch(/"a.txt" appears twice/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('names a file that is not a zip archive', async () => {
    const { dest, zip, parent } = setup([]);
    writeFileSync(zip, 'not a zip at all');
    const err = await rejection(extractZip(zip, dest));
    expect(err.code).toBe('BAD_DATA');
    expect(err.where).toBe(zip);
    expect(readdirSync(parent)).toEqual([]);
  });
});
