/**
 * Compare runs on the same tasks: each run's headline, the paired difference of mean outcome per task against the
 * first run (95% t interval over the tasks both played; a forest plot), the tasks side by side with each episode's
 * outcome, and for one task its episodes next to each other.
 */
import type { Episode } from '../../core/episode.js';
import type { Estimate } from '../../eval/stats.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import type { RunOverview, TaskOutcome } from '../queries.js';
import { forestPlot, intervalChart } from '../svg.js';
import { est, link, modelsText, outcomeTag, pager, type Ctx } from './common.js';
import { strategyOf } from './labels.js';

export interface CompareRun { id: string; overview: RunOverview; tasks: Map<string, TaskOutcome> }

export interface ComparePageData {
  runs: CompareRun[];
  /** Against the first run, for each other run. */
  differences: { id: string; est: Estimate; wins: number; losses: number; ties: number }[];
  /** Tasks on this page (common to all runs first, then the others). */
  taskIds: string[];
  totalTasks: number;
  commonTasks: number;
  page: number;
  perPage: number;
  /** Only the tasks whose mean outcome differs between the runs. */
  differ?: boolean;
  /** One task's episodes per run (when a task is chosen). */
  task?: { id: string; episodes: Record<string, Episode[]> };
}

export function pickRunsBody(all: string[], chosen: string[], task?: string): Html {
  return html`<h1>Compare runs</h1><p>Choose two or more runs that played the same tasks.</p>
    <form method="get" action="/compare">${task ? html`<input type="hidden" name="task" value="${task}">` : ''}<table><tbody>${all.map((id) => html`<tr><td><label><input type="checkbox" name="runs" value="${id}" ${chosen.includes(id) ? 'checked' : ''}> ${id}</label></td></tr>`)}</tbody></table>
    <button type="submit">compare</button></form>`;
}

const cells = (ctx: Ctx, runId: string, t: TaskOutcome | undefined): Html => {
  if (!t) return html`<td class="muted">—</td>`;
  const cls = t.meanOutcome >= 0.5 ? 'cell-ok' : 'cell-bad';
  return html`<td class="${cls}">${t.ids.map((id, k) => html`${link(ctx, '/episode', { run: runId, id }, t.wins[k] ? '✓' : '✗')} `)}<span class="muted">${(t.meanOutcome * 100).toFixed(0)}%</span></td>`;
};

function sideBySide(ctx: Ctx, d: ComparePageData): Html {
  if (!d.task) return html``;
  const cols = d.runs.map((r) => {
    const es = d.task!.episodes[r.id] ?? [];
    return html`<div><h3>${r.id}</h3>${es.length ? es.map((e) => html`<p>${link(ctx, '/episode', { run: r.id, id: e.id }, e.id)} · ${outcomeTag(e.outcome.success)} · reward ${e.outcome.reward.toFixed(3)} · ${e.turns.length} turns</p>
      <ol>${e.turns.map((t) => html`<li>${strategyOf(t) !== undefined ? html`<div class="strategy">${strategyOf(t)}</div>` : ''}<code>${t.action}</code><div class="muted">${t.observation.length > 240 ? `${t.observation.slice(0, 240)}…` : t.observation}</div></li>`)}</ol>`)
      : html`<p class="muted">This run did not play the task.</p>`}</div>`;
  });
  return html`<h2>Task ${d.task.id}, side by side</h2><div class="side" style="grid-template-columns:repeat(${d.runs.length}, minmax(0, 1fr))">${cols}</div>`;
}

export function comparePage(d: ComparePageData, ctx: Ctx = {}): string {
  const ids = d.runs.map((r) => r.id);
  const base = d.runs[0];
  const headlines = intervalChart({
    title: 'headline per run (95% intervals)', xLabel: 'run', yLabel: base.overview.headline.name, categories: ids, scale: base.overview.headline.scale,
    yRange: base.overview.headline.scale === 10 || base.overview.headline.est.mean > 1 ? [0, base.overview.headline.scale === 10 ? 1 : 10] : [0, 1],
    series: [{ name: base.overview.headline.name, values: d.runs.map((r) => r.overview.headline.est) }],
  });
  const forest = d.differences.length ? forestPlot({ title: `paired difference in mean outcome vs ${base.id} (points, 95% t interval over tasks)`, xLabel: 'difference (percentage points)', rows: d.differences.map((x) => ({ label: x.id, est: x.est })) }) : '';
  const diffRows = d.differences.map((x) => html`<tr><td>${x.id} − ${base.id}</td><td>${Number.isFinite(x.est.mean) ? `${(x.est.mean * 100).toFixed(1)} pts` : 'n/a'}</td><td>${Number.isFinite(x.est.lo) ? `[${(x.est.lo * 100).toFixed(1)}, ${(x.est.hi * 100).toFixed(1)}]` : 'n/a'}</td><td class="num">${x.est.n}</td><td>${x.wins} better · ${x.losses} worse · ${x.ties} same</td></tr>`);
  const params = { runs: ids.join(','), differ: d.differ ? '1' : undefined };
  const taskRows = d.taskIds.map((t) => html`<tr><td>${link(ctx, '/compare', { ...params, task: t, page: d.page }, t)}</td>${d.runs.map((r) => cells(ctx, r.id, r.tasks.get(t)))}</tr>`);
  const body = html`<div class="crumbs">${link(ctx, '/', {}, 'runs')} / compare</div><h1>Compare ${ids.join(' · ')}</h1>
    <table><thead><tr><th>run</th><th>environment</th><th>models</th><th class="num">episodes</th><th>${base.overview.headline.name} [95% CI]</th></tr></thead><tbody>${d.runs.map((r) => html`<tr><td>${link(ctx, '/run', { run: r.id }, r.id)}</td><td>${r.overview.env}</td><td class="muted">${modelsText(r.overview.models)}</td><td class="num">${r.overview.episodes}</td><td>${est(r.overview.headline.est, r.overview.headline.scale)}</td></tr>`)}</tbody></table>
    <div class="charts">${headlines}${forest}</div>
    <h2>Paired differences</h2><p class="muted">Per task: mean outcome in [0, 1] over its trials; difference against ${base.id} over the ${d.commonTasks} tasks every run played.</p>
    <table><thead><tr><th>pair</th><th>difference</th><th>95% CI</th><th class="num">tasks</th><th>per task</th></tr></thead><tbody>${diffRows}</tbody></table>
    ${sideBySide(ctx, d)}
    <h2>Tasks</h2><p>${d.differ ? link(ctx, '/compare', { runs: ids.join(',') }, 'show all tasks') : link(ctx, '/compare', { runs: ids.join(','), differ: '1' }, 'show only the tasks where the runs differ')}</p>${pager(ctx, '/compare', params, d.page, d.perPage, d.totalTasks, 'tasks')}
    <table><thead><tr><th>task</th>${ids.map((id) => html`<th>${id}</th>`)}</tr></thead><tbody>${taskRows}</tbody></table>`;
  return page({ title: 'compare' }, body);
}

