/**
 * A damaged run store: one bad row (JSON broken by SQL) or overwritten pages of the file. Errors name the store file
 * and the episode; readers skip what cannot be read, say so, and go on; `epo runs check` tells what can be saved;
 * an export never empties the file it would replace.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Episode } from '../src/core/episode.js';
import { EpoError } from '../src/core/errors.js';
import { exportEpisodes } from '../src/store/jsonl.js';
import { encodeEpisode } from '../src/store/codec.js';
import { migrations } from '../src/store/migrations.js';
import { RunStore } from '../src/store/run-store.js';
import { epo, evalEpisode, makeRun } from './helpers/store-cli.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-damage-'));
const sql = (path: string, statement: string) => { const db = new Database(path); try { db.exec(statement); } finally { db.close(); } };

/** A store of 40 episodes of ~20 KB each (about 230 pages of 4 KiB), with a page's worth of bytes overwritten by quotes. */
function pageDamagedRun(name: string): string {
  const path = makeRun(runs, name, 'actor-only', 0);
  const s = RunStore.open(path);
  s.setMeta('protocol', { ...s.getMeta<Record<string, unknown>>('protocol'), taskCount: 40 });
  for (let i = 0; i < 40; i++) s.putEpisode({ ...evalEpisode(i, 'actor-only', name), task: { blob: 'x'.repeat(20000 + i * 37) } });
  s.close(); // the last connection checkpoints the WAL into the file
  const size = statSync(path).size;
  expect(size).toBeGreaterThan(200 * 4096);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096, '"'), 0, 4096, Math.floor((size * 0.7) / 4096) * 4096 + 100);
  closeSync(fd);
  return path;
}

describe('a run store with a damaged row', () => {
  let path = '';
  beforeAll(() => {
    process.env.EPO_RUNS_DIR = runs;
    path = makeRun(runs, 'row', 'actor-only', 5);
    sql(path, `UPDATE episodes SET data = '{"id": "task-2#0", "turns": [' WHERE id = 'task-2#0'`);
  });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; rmSync(runs, { recursive: true, force: true }); });

  it('reading all episodes fails with an error naming the store file and the episode', () => {
    const s = RunStore.open(path);
    try {
      expect(() => [...s.episodes()]).toThrow(EpoError);
      expect(() => [...s.episodes()]).toThrow(path);
      expect(() => [...s.episodes()]).toThrow('task-2#0');
      expect(() => s.getEpisode('task-2#0')).toThrow('task-2#0');
    } finally { s.close(); }
  });

  it('episodes() can go on past it: good ones are yielded, the bad one reported', () => {
    const s = RunStore.open(path);
    const bad: { id: string; error: string }[] = [];
    try {
      expect([...s.episodes((d) => bad.push(d))].map((e) => e.id)).toEqual(['task-0#0', 'task-1#0', 'task-3#0', 'task-4#0']);
    } finally { s.close(); }
    expect(bad.map((b) => b.id)).toEqual(['task-2#0']);
    expect(bad[0].error).toMatch(/JSON/);
  });

  it('`episodes list` and `runs report` name the bad episode and go on with the rest', async () => {
    const list = await epo(['episodes', 'list', '--run', 'row']);
    expect(list.out.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['task-0#0', 'task-1#0', 'task-3#0', 'task-4#0']);
    expect(list.err).toMatch(/skipped 1 damaged episode[\s\S]*task-2#0/);
    expect(list.err).toContain('epo runs check --run row');
    expect(list.code).toBe(1);
    const rep = await epo(['runs', 'report', '--run', 'row']);
    expect(rep.out).toContain('4 of 5 episodes');
    expect(rep.err).toMatch(/skipped 1 damaged episode[\s\S]*task-2#0/);
    expect(rep.code).toBe(1);
  });

  it('`episodes export` writes the readable episodes and names the skipped one', async () => {
    const out = join(runs, 'row.jsonl');
    const r = await epo(['episodes', 'export', '--run', 'row', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/skipped 1 damaged episode[\s\S]*task-2#0/);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['task-0#0', 'task-1#0', 'task-3#0', 'task-4#0']);
  });

  it('`runs check` lists what can be saved and exits non-zero', async () => {
    const r = await epo(['runs', 'check', '--run', 'row']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(path);
    expect(r.out).toMatch(/integrity: ok/);
    expect(r.out).toMatch(/episodes: 4 readable, 1 damaged/);
    expect(r.out).toContain('task-2#0');
    const ok = await epo(['runs', 'check', '--run', makeRunName('fine')]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/episodes: 2 readable, 0 damaged/);
  });

  it('a damaged protocol record names the file and the record', async () => {
    const p = makeRun(runs, 'meta', 'actor-only', 1);
    sql(p, `UPDATE meta SET value = '{"env": ' WHERE key = 'protocol'`);
    const r = await epo(['runs', 'report', '--run', 'meta']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error \[STORE\]: .*protocol/);
    expect(r.err).toContain(p);
    expect((await epo(['runs', 'check', '--run', 'meta'])).out).toMatch(/meta: 0 readable, 1 damaged\n +protocol: is damaged/);
  });
});

const makeRunName = (name: string) => { makeRun(runs, name, 'epo', 2); return name; };

describe('a run store with overwritten pages', () => {
  beforeAll(() => { process.env.EPO_RUNS_DIR = runs; });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; });

  it('errors name the file; episodes() salvages the readable episodes; `runs check` reports the damage', async () => {
    const path = pageDamagedRun('pages');
    const s = RunStore.open(path);
    const bad: string[] = [];
    let good: Episode[] = [];
    try {
      expect(() => [...s.episodes()]).toThrow(path);
      good = [...s.episodes((d) => bad.push(d.id))];
    } finally { s.close(); }
    expect(bad.length).toBeGreaterThan(0);
    expect(good.length + bad.length).toBe(40);
    for (const e of good) expect((e.task.blob as string).length).toBe(20000 + Number(e.taskId.slice(5)) * 37);

    const r = await epo(['runs', 'check', '--run', 'pages']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(path);
    expect(r.out).toMatch(/integrity: damaged/);
    expect(r.out).toContain(`episodes: ${good.length} readable, ${bad.length} damaged`);
    for (const id of bad) expect(r.out).toContain(id);
    expect(r.err).not.toMatch(/unexpected error/);
  });

  it('a damaged store written by the first schema still opens: the facts it cannot fill stay empty', () => {
    const path = join(runs, 'v1', 'epo.sqlite');
    RunStore.open(join(runs, 'v1', 'x.sqlite')).close(); // makes the folder
    const old = new Database(path);
    old.exec(migrations[0] as string);
    old.pragma('user_version = 1');
    const insert = old.prepare(`INSERT INTO episodes (id, run, env, task_id, trial, seed, reward, success, reason, turns, finished_at, data) VALUES (?, 'v1', 'alfworld', ?, 0, 1, 0, 0, 'done', 1, ?, ?)`);
    for (let i = 0; i < 40; i++) {
      const e = { ...evalEpisode(i, 'actor-only', 'v1'), task: { blob: 'x'.repeat(20000 + i * 37) } };
      insert.run(e.id, e.taskId, e.finishedAt, JSON.stringify(encodeEpisode(e)));
    }
    old.close();
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, '"'), 0, 4096, Math.floor((size * 0.7) / 4096) * 4096 + 100);
    closeSync(fd);
    const s = RunStore.open(path);
    const bad: string[] = [];
    try {
      const good = [...s.episodes((d) => bad.push(d.id))];
      expect(bad.length).toBeGreaterThan(0);
      expect(good.length + bad.length).toBe(40);
    } finally { s.close(); }
  });

  it('a store whose first page is overwritten fails with an error naming the file', async () => {
    const path = makeRun(runs, 'header', 'actor-only', 3);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
    closeSync(fd);
    for (const args of [['runs', 'report', '--run', 'header'], ['episodes', 'list', '--run', 'header'], ['runs', 'check', '--run', 'header']]) {
      const r = await epo(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/error \[STORE\]: /);
      expect(r.err).toContain(path);
    }
  });
});

describe('episodes export', () => {
  it('keeps the file it would replace when the export fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-export-'));
    const out = join(dir, 'eps.jsonl');
    writeFileSync(out, 'earlier export\n');
    const failing = {
      path: join(dir, 'epo.sqlite'),
      labelers: () => [],
      // large enough that a streaming writer has opened (and truncated) the output before the store fails
      *episodes() { yield { ...evalEpisode(0, 'epo'), task: { blob: 'x'.repeat(100_000) } }; throw new EpoError('STORE', 'the store broke'); },
    } as unknown as RunStore;
    await expect(exportEpisodes(failing, out)).rejects.toThrow('the store broke');
    expect(readFileSync(out, 'utf8').slice(0, 100)).toBe('earlier export\n');
    expect(readdirSync(dir)).toEqual(['eps.jsonl']);
    expect(existsSync(out)).toBe(true);
  });
});
