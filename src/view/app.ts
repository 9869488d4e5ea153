/**
 * The viewer's routes: a URL → a page. Read-only (GET and HEAD only). Each handler asks the query layer for what its
 * page shows and renders it; errors become pages that say what is wrong (400 bad parameter, 404 unknown run or
 * episode), never a stack trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError, isEpoError } from '../core/errors.js';
import type { IterationRecord } from '../selfplay/selfplay.js';
import { listRuns, resolveRun, type RunRef } from './catalog.js';
import { parseFilter, parseRuns } from './filters.js';
import { html } from './html.js';
import { APP_JS, page } from './layout.js';
import { comparePage, pickRunsBody, type ComparePageData } from './pages/compare.js';
import { episodePage } from './pages/episode.js';
import { episodesPage } from './pages/episodes.js';
import { runPage, type RunPageData } from './pages/run.js';
import { runsPage, type RunsItem } from './pages/runs.js';
import { selfplayPage, type SelfplayPageData } from './pages/selfplay.js';
import { episodePage as episodeQuery, episodeWithLabels, failures, pairedDifference, readMeta, reasonCounts, runOverview, taskGroup, taskOutcomes, typeRows } from './queries.js';
import type { RunConnections } from './run-db.js';
import { episodeTurnWeights, weightSetting } from './weights.js';
import type { Episode } from '../core/episode.js';

export interface Reply { status: number; type: string; body: string }

const ok = (body: string): Reply => ({ status: 200, type: 'text/html; charset=utf-8', body });

export interface ViewApp { root: string; conns: RunConnections }

const readText = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

export function runPageData(app: ViewApp, ref: RunRef): RunPageData {
  const db = app.conns.get(ref.store);
  return { ref, overview: runOverview(db), types: typeRows(db), reasons: reasonCounts(db), failures: failures(db), config: readText(join(ref.dir, 'config.yaml')) };
}

export function selfplayPageData(app: ViewApp, ref: RunRef): SelfplayPageData | undefined {
  const state = readMeta<{ iterations: IterationRecord[] }>(app.conns.get(ref.store), 'selfplay');
  if (!state) return undefined;
  const subRuns = listRuns(app.root).filter((r) => r.parent === ref.id).map((r) => r.id.slice(ref.id.length + 1));
  const loss = state.iterations.map((r) => {
    const stateFile = join(ref.dir, `it${r.iteration}-checkpoint`, 'trainer_state.json');
    let steps: { step: number; loss: number }[] = [];
    try {
      const ts = JSON.parse(readText(stateFile) ?? '{}') as { history?: { step: number; loss: number }[] };
      steps = (ts.history ?? []).filter((h) => Number.isFinite(h.step) && Number.isFinite(h.loss));
    } catch { steps = []; }
    return { iteration: r.iteration, steps };
  });
  return { ref, iterations: state.iterations, subRuns, loss, config: readText(join(ref.dir, 'config.yaml')) };
}

function runs(app: ViewApp): Reply {
  const items: RunsItem[] = listRuns(app.root).map((ref) => {
    try { return { ref, overview: runOverview(app.conns.get(ref.store)) }; } catch (e) { return { ref, error: (e as Error).message }; }
  });
  return ok(runsPage(app.root, items));
}

function compare(app: ViewApp, q: URLSearchParams): Reply {
  const ids = parseRuns(q);
  const task = q.get('task')?.trim() || undefined;
  if (ids.length < 2) return ok(page({ title: 'compare' }, pickRunsBody(listRuns(app.root).map((r) => r.id), ids, task)));
  const refs = ids.map((id) => resolveRun(app.root, id, 'parameter runs'));
  const runsData = refs.map((ref) => {
    const db = app.conns.get(ref.store);
    const overview = runOverview(db);
    return { id: ref.id, overview, tasks: taskOutcomes(db, overview.env) };
  });
  const base = runsData[0];
  const differences = runsData.slice(1).map((r) => {
    let wins = 0, losses = 0, ties = 0;
    for (const [t, a] of base.tasks) { const b = r.tasks.get(t); if (!b) continue; if (b.meanOutcome > a.meanOutcome) wins++; else if (b.meanOutcome < a.meanOutcome) losses++; else ties++; }
    return { id: r.id, est: pairedDifference(base.tasks, r.tasks), wins, losses, ties };
  });
  const all = [...new Set(runsData.flatMap((r) => [...r.tasks.keys()]))].sort();
  const common = all.filter((t) => runsData.every((r) => r.tasks.has(t)));
  const differ = q.get('differ') === '1';
  const differs = (t: string) => new Set(runsData.map((r) => r.tasks.get(t)?.meanOutcome ?? -1)).size > 1;
  const ordered = [...common, ...all.filter((t) => !runsData.every((r) => r.tasks.has(t)))].filter((t) => !differ || differs(t));
  const f = parseFilter(q);
  const d: ComparePageData = {
    runs: runsData, differences, taskIds: ordered.slice((f.page - 1) * f.perPage, f.page * f.perPage), totalTasks: ordered.length, commonTasks: common.length,
    page: f.page, perPage: f.perPage, differ,
  };
  if (task) {
    const episodes: Record<string, Episode[]> = {};
    for (const [k, ref] of refs.entries()) {
      const ids2 = runsData[k].tasks.get(task)?.ids.slice(0, 3) ?? [];
      episodes[ref.id] = ids2.flatMap((id) => { const x = episodeWithLabels(app.conns.get(ref.store), id); return x ? [x.episode] : []; });
    }
    d.task = { id: task, episodes };
  }
  return ok(comparePage(d));
}

function route(app: ViewApp, path: string, q: URLSearchParams): Reply {
  const runParam = () => {
    const id = q.get('run');
    if (!id) throw new EpoError('BAD_INPUT', 'which run? add ?run=<name> (see the runs list)', { where: 'parameter run' });
    return resolveRun(app.root, id, 'parameter run');
  };
  switch (path) {
    case '/': return runs(app);
    case '/app.js': return { status: 200, type: 'text/javascript; charset=utf-8', body: APP_JS };
    case '/run': {
      const ref = runParam();
      return ok(runPage(runPageData(app, ref)));
    }
    case '/selfplay': {
      const ref = runParam();
      const d = selfplayPageData(app, ref);
      if (!d) throw new EpoError('NOT_FOUND', `run "${ref.id}" is not a self-play run (it has no self-play record)`, { where: ref.store });
      return ok(selfplayPage(d));
    }
    case '/episodes': {
      const ref = runParam();
      const db = app.conns.get(ref.store);
      const overview = runOverview(db);
      const setting = weightSetting(db, ref);
      const filter = parseFilter(q);
      const r = episodeQuery(db, overview.env, setting, filter);
      return ok(episodesPage({ ref, overview, setting, types: typeRows(db).map((t) => t.type), filter, total: r.total, rows: r.rows }));
    }
    case '/episode': {
      const ref = runParam();
      const id = q.get('id') ?? '';
      const db = app.conns.get(ref.store);
      const found = episodeWithLabels(db, id);
      if (!found) throw new EpoError('NOT_FOUND', `run "${ref.id}" has no episode "${id}"`, { where: `${ref.store}, episode ${id}` });
      const setting = weightSetting(db, ref);
      const label = found.labels.find((l) => l.labeler === setting.labeler);
      const grouped = setting.rule.name === 'baseline' || setting.rule.name === 'grpo';
      const weights = episodeTurnWeights(found.episode, label, setting.rule, () => (grouped ? taskGroup(db, found.episode.env, found.episode.taskId) : undefined));
      return ok(episodePage({ ref, episode: found.episode, labels: found.labels, setting, weights }));
    }
    case '/compare': return compare(app, q);
    default: throw new EpoError('NOT_FOUND', `no page at ${path}`, { where: path });
  }
}

/** Answer one request (GET or HEAD). */
export function handle(app: ViewApp, method: string, url: string): Reply {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, type: 'text/plain; charset=utf-8', body: 'the viewer is read-only: GET only\n' };
  const u = new URL(url, 'http://localhost');
  try {
    return route(app, u.pathname, u.searchParams);
  } catch (e) {
    const status = isEpoError(e, 'NOT_FOUND') ? 404 : isEpoError(e, 'BAD_INPUT') ? 400 : 500;
    const message = e instanceof EpoError ? e.message : `unexpected error: ${(e as Error).message}`;
    return { status, type: 'text/html; charset=utf-8', body: page({ title: 'error' }, html`<h1>${status === 404 ? 'Not found' : status === 400 ? 'Bad request' : 'Error'}</h1><p class="bad">${message}</p><p><a href="/">back to the runs</a></p>`) };
  }
}
