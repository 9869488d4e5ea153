/** The viewer's query layer on small stores with known answers: filters, weights, pagination, sums, pairs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Episode } from '../../src/core/episode.js';
import { makeRule } from '../../src/rewards/returns.js';
import { migrations } from '../../src/store/migrations.js';
import { encodeEpisode } from '../../src/store/codec.js';
import { RunStore } from '../../src/store/run-store.js';
import { listRuns, resolveRun } from '../../src/view/catalog.js';
import { parseFilter, parseRuns } from '../../src/view/filters.js';
import { episodePage, likePattern, meanFromSums, pairedDifference, runOverview, typeRows, type EpisodeFilter, type TaskOutcome } from '../../src/view/queries.js';
import { RunConnections } from '../../src/view/run-db.js';
import type { WeightSetting } from '../../src/view/weights.js';
import { alfEpisode, alfLabel } from '../helpers/view-runs.js';

let root: string;
const conns = new RunConnections();
const setting: WeightSetting = { labeler: 'judge:scripted:judge', rule: makeRule('reference'), from: 'test' };
const win = (e: Episode): Episode => ({ ...e, outcome: { reward: 1, success: true, reason: 'done' } });
const lose = (e: Episode): Episode => ({ ...e, outcome: { reward: 0, success: false, reason: 'max_steps' } });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'epo-view-q-'));
  const s = RunStore.open(join(root, 'r', 'epo.sqlite'));
  // tasks 0..5, 3 turns each: even tasks won, odd lost; task 5 unlabelled; task 4 says "100% sure" in an observation
  const es = [0, 1, 2, 3, 4, 5].map((t) => {
    const e = alfEpisode(t, 0, { run: 'r', turns: 3 });
    const x = t % 2 === 0 ? win(e) : lose(e);
    if (t === 4) x.turns[1] = { ...x.turns[1], observation: 'I am 100% sure: the mug_7 is here.' };
    return x;
  });
  s.putEpisodes(es);
  for (const e of es.slice(0, 5)) s.putLabel(e.id, alfLabel(e));
  s.close();
});
afterAll(() => { conns.closeAll(); rmSync(root, { recursive: true, force: true }); });

const db = () => conns.get(join(root, 'r', 'epo.sqlite'));
const ids = (f: Partial<EpisodeFilter>) => episodePage(db(), 'alfworld', setting, { page: 1, perPage: 50, ...f }).rows.map((r) => r.taskId.slice(-1));

describe('episode browser query', () => {
  it('filters by outcome and task type', () => {
    expect(ids({ success: true })).toEqual(['0', '2', '4']);
    expect(ids({ success: false })).toEqual(['1', '3', '5']);
    // types cycle through the report order: task 0 Pick, task 1 Clean, task 2 Heat…
    expect(ids({ type: 'pick_clean_then_place_in_recep' })).toEqual(['1']);
  });

  it('searches text literally: % and _ are not wildcards', () => {
    expect(likePattern('100%_x\\')).toBe('%100\\%\\_x\\\\%');
    expect(ids({ q: '0% sure' })).toEqual(['4']);
    expect(ids({ q: 'mug_7' })).toEqual(['4']);
    expect(ids({ q: 'mug 7' })).toEqual([]);
    expect(ids({ q: 'MUG_7' })).toEqual(['4']);
  });

  it('filters by training weight: a won 3-turn episode has weights [0.990, 1, 0.503], a lost one [0, 0, 0]', () => {
    // reference rule, γ 0.99: won → r = [0, 1 (critical), 1], G = [1.9701, 1.99, 1], w = G / 1.99
    expect(ids({ wmin: 0.995 })).toEqual(['0', '2', '4']);
    expect(ids({ wmax: 0.5 })).toEqual(['1', '3']); // task 5 has no label: no weight
    expect(ids({ wmin: 0.4, wmax: 0.51 })).toEqual(['0', '2', '4']);
    expect(ids({ wmin: 0.6, wmax: 0.98 })).toEqual([]);
  });

  it('pages in task order and counts every match', () => {
    const p2 = episodePage(db(), 'alfworld', setting, { page: 2, perPage: 4 });
    expect(p2.total).toBe(6);
    expect(p2.rows.map((r) => r.id)).toEqual(['alf-00004#0', 'alf-00005#0']);
    const past = episodePage(db(), 'alfworld', setting, { page: 9, perPage: 4, wmin: 0.995 });
    expect(past).toEqual({ total: 3, rows: [] });
    expect(p2.rows[0].label?.rewards).toHaveLength(3);
  });

  it('sums a run from its columns: counts, headline, tokens and cost', () => {
    const o = runOverview(db());
    expect(o.episodes).toBe(6);
    expect(o.successes).toBe(3);
    expect(o.headline.name).toBe('success');
    expect(o.headline.est.mean).toBe(0.5);
    // per turn: strategist 120 + 30t prompt and 20 completion, actor 200 and 12; 3 turns → 1050 + 96 per episode
    expect(o.promptTokens).toBe(6 * (120 + 150 + 180 + 600));
    expect(o.completionTokens).toBe(6 * 96);
    expect(o.costUsd).toBeCloseTo(6 * 3 * 0.0003, 10);
    expect(typeRows(db()).map((t) => [t.type, t.n, t.successes])).toEqual([
      ['look_at_obj_in_light', 1, 1], ['pick_and_place_simple', 1, 1], ['pick_clean_then_place_in_recep', 1, 0],
      ['pick_cool_then_place_in_recep', 1, 0], ['pick_heat_then_place_in_recep', 1, 1], ['pick_two_obj_and_place', 1, 0]]);
  });
});

describe('statistics from sums', () => {
  it('gives the t interval of the mean from n, sum and sum of squares', () => {
    // values 1, 2, 3: mean 2, sd 1, t(2) = 4.303 → half width 4.303 / √3 = 2.4843
    const e = meanFromSums(3, 6, 14);
    expect(e.mean).toBe(2);
    expect(e.lo).toBeCloseTo(2 - 2.4843, 3);
    expect(e.hi).toBeCloseTo(2 + 2.4843, 3);
    expect(meanFromSums(0, 0, 0).mean).toBeNaN();
  });

  it('pairs tasks both runs played: differences 0.5, 0, 1 → mean 0.5 [−0.742, 1.742]', () => {
    const t = (taskId: string, meanOutcome: number): [string, TaskOutcome] => [taskId, { taskId, n: 2, successes: 0, meanOutcome, ids: [], wins: [] }];
    const a = new Map([t('x', 0), t('y', 0.5), t('z', 0), t('only-a', 1)]);
    const b = new Map([t('x', 0.5), t('y', 0.5), t('z', 1), t('only-b', 0)]);
    const d = pairedDifference(a, b);
    expect(d.n).toBe(3);
    expect(d.mean).toBeCloseTo(0.5, 12);
    expect(d.lo).toBeCloseTo(0.5 - 4.303 * 0.5 / Math.sqrt(3), 3);
  });
});

describe('URL parameters and run names', () => {
  it('parses the filter and refuses bad values naming the parameter', () => {
    expect(parseFilter(new URLSearchParams('success=0&type=pick&q=%20mug%20&wmin=-0.5&page=3'))).toEqual({ success: false, type: 'pick', q: 'mug', wmin: -0.5, page: 3, perPage: 50 });
    expect(() => parseFilter(new URLSearchParams('success=yes'))).toThrow(/success must be 1/);
    expect(() => parseFilter(new URLSearchParams('wmin=1&wmax=0'))).toThrow(/weight range is empty/);
    expect(() => parseFilter(new URLSearchParams('page=0'))).toThrow(/parameter page/);
    expect(() => parseFilter(new URLSearchParams('per=100000'))).toThrow(/per must be a whole number from 1 to 500/);
    expect(parseRuns(new URLSearchParams('runs=a,b&runs=c&runs=a'))).toEqual(['a', 'b', 'c']);
  });

  it('resolves runs and sub-runs inside the runs folder only', () => {
    expect(listRuns(root).map((r) => r.id)).toEqual(['r']);
    expect(resolveRun(root, 'r').store).toBe(join(root, 'r', 'epo.sqlite'));
    expect(() => resolveRun(root, '../r')).toThrow(/not a run name/);
    expect(() => resolveRun(root, 'a/b/c')).toThrow(/not a run name/);
    expect(() => resolveRun(root, 'missing')).toThrow(/has no store/);
  });
});

describe('schema 2: episode facts', () => {
  it('fills the facts of episodes written by an older store when it is opened', () => {
    const path = join(root, 'old', 'epo.sqlite');
    RunStore.open(join(root, 'old', 'x.sqlite')).close(); // makes the folder
    const old = new Database(path);
    old.exec(migrations[0] as string);
    old.pragma('user_version = 1');
    const e = alfEpisode(2, 0, { run: 'old', turns: 3 });
    old.prepare(`INSERT INTO episodes (id, run, env, task_id, trial, seed, reward, success, reason, turns, finished_at, data) VALUES (?, 'old', 'alfworld', ?, 0, 1, 1, 1, 'done', 3, ?, ?)`)
      .run(e.id, e.taskId, e.finishedAt, JSON.stringify(encodeEpisode(e)));
    old.close();
    RunStore.open(path).close();
    const db2 = new Database(path, { readonly: true });
    expect(db2.prepare('SELECT task_type, prompt_tokens, completion_tokens, round(cost_usd, 6) AS cost FROM episodes').get())
      .toEqual({ task_type: 'pick_heat_then_place_in_recep', prompt_tokens: 1050, completion_tokens: 96, cost: 0.0009 });
    expect(db2.pragma('user_version', { simple: true })).toBe(migrations.length);
    db2.close();
  });
});
