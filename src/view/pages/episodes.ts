/** The episode browser: filters (outcome, task type, text, training-weight range, task), one page of rows. */
import { numText } from '../format.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { RunRef } from '../catalog.js';
import type { EpisodeFilter, EpisodeRow, RunOverview } from '../queries.js';
import { labelWeights, rowOutcome, type WeightSetting } from '../weights.js';
import { link, outcomeTag, pager, type Ctx } from './common.js';

export interface EpisodesPageData {
  ref: RunRef;
  overview: RunOverview;
  setting: WeightSetting;
  types: string[];
  filter: EpisodeFilter;
  total: number;
  rows: EpisodeRow[];
}

/** The filter as URL parameters (what links keep while paging). */
export function filterParams(f: EpisodeFilter): Record<string, string | undefined> {
  return {
    success: f.success === undefined ? undefined : f.success ? '1' : '0', type: f.type, q: f.q, task: f.task,
    wmin: f.wmin === undefined ? undefined : String(f.wmin), wmax: f.wmax === undefined ? undefined : String(f.wmax),
  };
}

export function episodesPage(d: EpisodesPageData, ctx: Ctx = {}): string {
  const f = d.filter, id = d.ref.id;
  const params = { run: id, ...filterParams(f) };
  const weightCell = (r: EpisodeRow) => {
    if (!r.label) return html`<span class="muted">no label</span>`;
    const w = labelWeights(d.setting.rule, r.label, rowOutcome(d.overview.env, r.reward, r.success)).weights;
    if (!w.length) return html`<span class="muted">—</span>`;
    return html`${numText(Math.min(...w), 2)} … ${numText(Math.max(...w), 2)}`;
  };
  const opt = (value: string, text: string, current: string | undefined) => html`<option value="${value}" ${current === value ? 'selected' : ''}>${text}</option>`;
  const form = html`<form class="filters" method="get" action="/episodes"><input type="hidden" name="run" value="${id}">
    <label>outcome<select name="success">${opt('', 'any', filterParams(f).success ?? '')}${opt('1', 'success', filterParams(f).success)}${opt('0', 'failure', filterParams(f).success)}</select></label>
    <label>task type<select name="type">${opt('', 'any', f.type ?? '')}${d.types.map((t) => opt(t, t, f.type))}</select></label>
    <label>text<input name="q" value="${f.q ?? ''}" placeholder="in actions, observations, strategies…" size="28"></label>
    <label>weight ≥<input name="wmin" value="${f.wmin ?? ''}" size="6" inputmode="decimal"></label>
    <label>weight ≤<input name="wmax" value="${f.wmax ?? ''}" size="6" inputmode="decimal"></label>
    ${f.task ? html`<label>task<input name="task" value="${f.task}" size="18"></label>` : ''}
    <button type="submit">filter</button> ${link(ctx, '/episodes', { run: id }, 'clear')}</form>`;
  const rows = d.rows.map((r) => html`<tr><td>${link(ctx, '/episode', { run: id, id: r.id }, r.id)}</td><td>${r.type ?? ''}</td><td>${outcomeTag(r.success)}</td>
    <td class="num">${numText(r.reward, 3)}</td><td>${r.reason}</td><td class="num">${r.turns}</td><td>${weightCell(r)}</td></tr>`);
  const body = html`<div class="crumbs">${link(ctx, '/', {}, 'runs')} / ${link(ctx, '/run', { run: id }, id)} / episodes</div>
    <h1>Episodes of ${id}</h1>
    <p class="muted">Weights: labeler ${d.setting.labeler ?? 'none'}, ${d.setting.rule.name} rule (γ ${d.setting.rule.params.gamma}); setting from ${d.setting.from}. The weight filter keeps episodes with some strategist turn's weight in the range.</p>
    ${form}${pager(ctx, '/episodes', params, f.page, f.perPage, d.total)}
    <table><thead><tr><th>episode</th><th>task type</th><th>outcome</th><th class="num">reward</th><th>end</th><th class="num">turns</th><th>weights (min … max)</th></tr></thead><tbody>${rows}</tbody></table>
    ${d.rows.length ? pager(ctx, '/episodes', params, f.page, f.perPage, d.total) : html`<p class="muted">No episode matches these filters.</p>`}`;
  return page({ title: `episodes of ${id}` }, body);
}
