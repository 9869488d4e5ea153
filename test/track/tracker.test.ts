/** The tracking contract: --report-to parsing, fan-out, the jsonl backend, the wandb backend (fake SDK; absent SDK). */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EpoError } from '../../src/core/errors.js';
import { jsonlTracker } from '../../src/track/jsonl.js';
import { openTrackers } from '../../src/track/open.js';
import { fanOut, parseReportTo, shifted, type Tracker } from '../../src/track/tracker.js';
import { wandbTracker } from '../../src/track/wandb.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'epo-track-'));
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('--report-to', () => {
  it('reads repeated flags and comma lists, keeps order, drops repeats, and names an unknown backend', () => {
    expect(parseReportTo(['jsonl,tensorboard', 'jsonl', ' wandb '])).toEqual(['jsonl', 'tensorboard', 'wandb']);
    expect(parseReportTo(undefined)).toEqual([]);
    expect(parseReportTo(['none'])).toEqual([]);
    const e = (() => { try { parseReportTo(['jsonl,tensorbord']); } catch (x) { return x as EpoError; } })();
    expect(e).toBeInstanceOf(EpoError);
    expect(e!.message).toContain('"tensorbord"');
    expect(e!.where).toBe('--report-to');
  });
});

describe('trackers', () => {
  it('jsonl writes one line per record, with step, value and table rows', async () => {
    const dir = tmp();
    const t = jsonlTracker(dir, () => 0);
    t.scalar('train/loss', 1.5, 3);
    t.scalar('train/loss', NaN, 4);
    t.table('eval/samples', [{ id: 'x', success: false }], 1);
    await t.close();
    expect(lines(join(dir, 'metrics.jsonl'))).toEqual([
      { time: '1970-01-01T00:00:00.000Z', kind: 'scalar', name: 'train/loss', step: 3, value: 1.5 },
      { time: '1970-01-01T00:00:00.000Z', kind: 'scalar', name: 'train/loss', step: 4, value: 'NaN' },
      { time: '1970-01-01T00:00:00.000Z', kind: 'table', name: 'eval/samples', step: 1, rows: [{ id: 'x', success: false }] },
    ]);
  });

  it('fan-out writes to every backend; one that throws is reported once and the others go on', async () => {
    const got: string[] = [];
    const good: Tracker = { scalar: (n, v, s) => got.push(`${n}=${v}@${s}`), table: (n) => got.push(n), close: async () => { got.push('closed'); } };
    const bad: Tracker = { scalar: () => { throw new Error('disk full'); }, table() {}, close: async () => {} };
    const warnings: string[] = [];
    const t = shifted(fanOut([bad, good], (m) => warnings.push(m)), 10, 'it1/');
    t.scalar('loss', 1, 1);
    t.scalar('loss', 2, 2);
    await t.close();
    expect(got).toEqual(['it1/loss=1@11', 'it1/loss=2@12', 'closed']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('disk full');
  });

  it('opens jsonl and tensorboard together in one folder, their files made at the first record', async () => {
    const dir = tmp();
    const idle = await openTrackers(['jsonl', 'tensorboard'], { dir, name: 'r' });
    await idle.close();
    expect(readdirSync(dir)).toEqual([]); // a command that reported nothing (e.g. the run was busy) leaves no file
    const t = await openTrackers(['jsonl', 'tensorboard'], { dir, name: 'r' });
    t.scalar('a', 1, 0);
    await t.close();
    expect(lines(join(dir, 'metrics.jsonl'))).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'))).toHaveLength(1);
  });

  it('wandb: offline without a key, online with one; scalars and tables logged at their step; the key never passed on', async () => {
    for (const [env, mode] of [[{}, 'offline'], [{ WANDB_API_KEY: 'k-secret' }, 'online']] as const) {
      const calls: unknown[][] = [];
      class Table { constructor(public o: unknown) {} }
      const sdk = { init: async (o: unknown) => { calls.push(['init', o]); }, log: (v: unknown, step: unknown) => { calls.push(['log', v, step]); }, finish: async () => { calls.push(['finish']); }, Table };
      const e: NodeJS.ProcessEnv = { ...env };
      const t = await wandbTracker({ dir: '/tmp/x', name: 'run1', config: { lr: 1 }, env: e, load: async () => ({ default: sdk }) });
      t.scalar('train/loss', 0.5, 7);
      t.table('eval/samples', [{ id: 'a', ok: true }, { id: 'b' }], 2);
      await t.close();
      expect(e.WANDB_MODE).toBe(mode);
      expect(calls[0]).toEqual(['init', { project: 'epo', name: 'run1', config: { lr: 1 }, dir: '/tmp/x', mode, ...(mode === 'offline' ? { settings: { offline: true } } : {}) }]);
      expect(calls[1]).toEqual(['log', { 'train/loss': 0.5 }, 7]);
      expect(calls[2]).toEqual(['log', { 'eval/samples': new Table({ columns: ['id', 'ok'], data: [['a', true], ['b', null]] }) }, 2]);
      expect(calls[3]).toEqual(['finish']);
      expect(JSON.stringify(calls)).not.toContain('k-secret');
    }
  });

  it('wandb: an SDK without tables gets the table as JSON text; an SDK that cannot start says what to do', async () => {
    const logged: unknown[] = [];
    const t = await wandbTracker({ dir: '/tmp/x', name: 'r', env: { WANDB_API_KEY: 'k' }, load: async () => ({ init: async () => {}, log: (v: unknown) => { logged.push(v); }, finish: async () => {} }) });
    t.table('eval/samples', [{ id: 'a' }], 0);
    await t.close();
    expect(logged).toEqual([{ 'eval/samples': '[{"id":"a"}]' }]);
    const e = await wandbTracker({ dir: '/tmp/x', name: 'r', env: {}, load: async () => ({ init: async () => { throw new Error('No API key found'); }, log() {}, finish() {} }) }).catch((x: unknown) => x as EpoError);
    expect(e).toBeInstanceOf(EpoError);
    expect((e as EpoError).message).toContain('Weights & Biases could not start an offline run: No API key found; set WANDB_API_KEY (or log in with `wandb login`), or use --report-to jsonl or tensorboard');
  });

  it('wandb: a clear error when the SDK is not installed', async () => {
    const e = await wandbTracker({ dir: '/tmp/x', name: 'r', env: {}, load: () => import('@wandb/not-installed-here' as string) }).catch((x: unknown) => x as EpoError);
    expect(e).toBeInstanceOf(EpoError);
    expect((e as EpoError).code).toBe('NOT_FOUND');
    expect((e as EpoError).message).toContain('npm i @wandb/sdk');
  });
});
