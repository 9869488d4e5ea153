import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEpisodes } from '../src/store/import.js';
import { exportEpisodes } from '../src/store/jsonl.js';
import { RunStore } from '../src/store/run-store.js';
import { makeEpisode } from './helpers/episodes.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'epo-store-'));

describe('run store', () => {
  it('round-trips episodes and labels exactly', () => {
    const store = RunStore.open(join(tmp(), 'epo.sqlite'));
    const eps = [makeEpisode(1), makeEpisode(2, { outcome: { reward: 0.25, success: false, reason: 'max_steps' } })];
    for (const e of eps) store.putEpisode(e);
    expect(store.countEpisodes()).toBe(2);
    expect(store.getEpisode('task-2#0')).toEqual(eps[1]);
    expect([...store.episodes()]).toEqual(eps);
    expect(store.finishedIds()).toEqual(new Set(['task-1#0', 'task-2#0']));
    store.putLabel('task-1#0', { labeler: 'judge', rewards: [0, 1, 0], critical: [1] });
    expect(store.getLabel('task-1#0', 'judge')).toEqual({ labeler: 'judge', rewards: [0, 1, 0], critical: [1] });
    expect(store.labelledIds('judge')).toEqual(new Set(['task-1#0']));
    store.setMeta('config', { a: 1 });
    expect(store.getMeta('config')).toEqual({ a: 1 });
    store.close();
  });

  it('reopens an existing store without re-running migrations', () => {
    const path = join(tmp(), 'epo.sqlite');
    const a = RunStore.open(path);
    a.putEpisode(makeEpisode(1));
    a.close();
    const b = RunStore.open(path);
    expect(b.countEpisodes()).toBe(1);
    b.close();
  });

  it('adding never overwrites; replacing is explicit and deletes (and counts) the replaced episode\'s labels', () => {
    const store = RunStore.open(join(tmp(), 'epo.sqlite'));
    store.putEpisode(makeEpisode(1));
    store.putLabel('task-1#0', { labeler: 'judge', rewards: [1] });
    store.putLabel('task-1#0', { labeler: 'env', rewards: [0] });
    const other = makeEpisode(1, { outcome: { reward: 0, success: false, reason: 'max_steps' } });
    expect(() => store.putEpisode(other)).toThrow(/episode task-1#0 is already stored/);
    expect(() => store.putEpisodes([makeEpisode(2), other])).toThrow(/task-1#0/);
    expect(store.countEpisodes()).toBe(1); // the batch was one transaction
    expect(store.getLabel('task-1#0', 'judge')).toBeDefined();
    expect(store.replaceEpisode(other)).toEqual({ labelsDropped: 2 });
    expect(store.getEpisode('task-1#0')!.outcome.success).toBe(false);
    expect(store.labelers()).toEqual([]);
    expect(store.replaceEpisode(makeEpisode(3))).toEqual({ labelsDropped: 0 }); // or adds it
    expect(store.countEpisodes()).toBe(2);
    store.close();
  });

  it('JSONL export then import is lossless', async () => {
    const dir = tmp();
    const a = RunStore.open(join(dir, 'a.sqlite'));
    const eps = [1, 2, 3].map((i) => makeEpisode(i));
    a.putEpisodes(eps);
    const file = join(dir, 'eps.jsonl');
    expect(await exportEpisodes(a, file)).toBe(3);
    const b = RunStore.open(join(dir, 'b.sqlite'));
    expect(await importEpisodes(b, file)).toEqual({ added: 3, replaced: 0, skipped: 0, labelsDropped: 0 });
    expect([...b.episodes()]).toEqual(eps);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('names the file and line of a malformed JSONL record', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, JSON.stringify(makeEpisode(1)) + '\n{"id": "x"}\n');
    const store = RunStore.open(join(dir, 's.sqlite'));
    await expect(importEpisodes(store, file)).rejects.toThrow(`${file}:2`);
  });

  it('keeps every finished episode and no half-written one when the writer is killed', async () => {
    const dir = tmp();
    const path = join(dir, 'epo.sqlite');
    const script = join(dir, 'writer.ts');
    const root = process.cwd();
    writeFileSync(script, `
      import { RunStore } from '${root}/src/store/run-store.ts';
      import { makeEpisode } from '${root}/test/helpers/episodes.ts';
      const store = RunStore.open(${JSON.stringify(path)});
      for (let i = 0; ; i++) {
        const e = makeEpisode(i);
        e.task = { blob: 'x'.repeat(20000 + (i % 7) * 1000) };
        store.putEpisode(e);
        if (i === 20) process.stdout.write('started\\n');
      }
    `);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('started')) resolve(); }));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const store = RunStore.open(path);
    const n = store.countEpisodes();
    expect(n).toBeGreaterThan(20);
    const ids = [...store.episodes()].map((e) => e.id);
    expect(ids).toHaveLength(n);
    // Episodes are written in order, so the survivors are exactly 0..n-1 and each one is complete.
    for (let i = 0; i < n; i++) {
      const e = store.getEpisode(`task-${i}#0`)!;
      expect(e.turns).toHaveLength(3);
      expect((e.task.blob as string).length).toBe(20000 + (i % 7) * 1000);
    }
    store.close();
  });
});
