/**
 * A run: the headline and the figures overall and per task type with 95% intervals (a chart and a table), tokens and
 * cost, end reasons, the failed episodes, the full protocol and the resolved config.
 */
import { REPORT_ORDER, typeName } from '../../envs/alfworld/task-types.js';
import { wilson } from '../../eval/stats.js';
import { dateText, intText, usdText } from '../format.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import type { RunRef } from '../catalog.js';
import type { RunOverview, TypeRow } from '../queries.js';
import { intervalChart } from '../svg.js';
import { card, est, link, modelsText, type Ctx } from './common.js';

export interface RunPageData {
  ref: RunRef;
  overview: RunOverview;
  types: TypeRow[];
  reasons: { reason: string; n: number }[];
  failures: { id: string; reason: string; error: string | null }[];
  config?: string;
}

const typeLabel = (env: string, t: string, names?: Record<string, string>) => (/alfworld/i.test(env) ? typeName(t) : names?.[t] ?? t);

/** ALFWorld types in the order papers print them; other environments' types as stored. */
const reportOrder = (env: string, rows: TypeRow[]): TypeRow[] => {
  if (!/alfworld/i.test(env)) return rows;
  const rank = (t: string) => { const i = (REPORT_ORDER as readonly string[]).indexOf(t); return i < 0 ? REPORT_ORDER.length : i; };
  return [...rows].sort((a, b) => rank(a.type) - rank(b.type));
};

export function runBody(data: RunPageData, ctx: Ctx): Html {
  const d = { ...data, types: reportOrder(data.overview.env, data.types) };
  const o = d.overview, id = d.ref.id;
  const names = o.protocol?.typeNames as Record<string, string> | undefined;
  const perEp = (x: number) => (o.episodes ? x / o.episodes : 0);
  const showTypes = d.types.length > 1 || (d.types.length === 1 && d.types[0].type !== '(none)');
  const chart = showTypes ? intervalChart({
    title: 'success per task type (95% Wilson intervals)', xLabel: 'task type', yLabel: 'success',
    categories: ['all', ...d.types.map((t) => typeLabel(o.env, t.type, names))],
    series: [{ name: 'success', values: [o.headline.name === 'success' ? o.headline.est : undefined, ...d.types.map((t) => t.success)] }],
  }) : '';
  const typeTable = showTypes ? html`<table><thead><tr><th>task type</th><th class="num">episodes</th><th>success [95% CI]</th><th>mean reward [95% CI]</th><th></th></tr></thead><tbody>${d.types.map((t) => html`<tr>
    <td>${typeLabel(o.env, t.type, names)}</td><td class="num">${intText(t.n)}</td><td>${est(t.success)} <span class="muted">(${t.successes}/${t.n})</span></td><td>${est(t.reward, 1)}</td>
    <td>${link(ctx, '/episodes', { run: id, type: t.type }, 'episodes')}</td></tr>`)}</tbody></table>` : '';
  const failures = d.failures.length ? html`<table><thead><tr><th>episode</th><th>end</th><th>error</th></tr></thead><tbody>${d.failures.map((f) => html`<tr>
    <td>${link(ctx, '/episode', { run: id, id: f.id }, f.id)}</td><td>${f.reason}</td><td><code>${f.error ?? ''}</code></td></tr>`)}</tbody></table>` : html`<p class="muted">No episode ended by an error, a timeout or a partner leaving.</p>`;
  const protocol = o.protocol ?? o.sotopia;
  return html`<div class="crumbs">${link(ctx, '/', {}, 'runs')} / ${id}</div>
    <h1>${id}</h1><p class="muted">${o.env} · ${modelsText(o.models)} · finished ${dateText(o.lastAt)}</p>
    ${ctx.standalone ? '' : html`<p>${link(ctx, '/episodes', { run: id }, `browse the ${intText(o.episodes)} episodes →`)}${d.ref.parent ? html` · ${link(ctx, '/selfplay', { run: d.ref.parent }, `self-play run ${d.ref.parent}`)}` : ''}</p>`}
    <div class="cards">${card(`${o.headline.name} [95% CI]`, o.episodes ? est(o.headline.est, o.headline.scale) : '—', `${intText(o.episodes)} episodes`)}
      ${o.headline.name === 'success' ? '' : card('success (rate)', est(wilson(o.successes, o.episodes)), `${o.successes}/${o.episodes}`)}
      ${card('tokens per episode', intText(perEp(o.promptTokens + o.completionTokens)), `prompt ${intText(perEp(o.promptTokens))} · completion ${intText(perEp(o.completionTokens))}`)}
      ${card('cost', usdText(o.costUsd), `${usdText(perEp(o.costUsd))} per episode`)}
      ${card('total tokens', intText(o.promptTokens + o.completionTokens))}</div>
    ${showTypes ? html`<h2>Per task type</h2><div class="charts">${chart}</div>${typeTable}` : ''}
    <h2>How episodes ended</h2><table><tbody>${d.reasons.map((r) => html`<tr><td>${r.reason}</td><td class="num">${intText(r.n)}</td><td class="num muted">${o.episodes ? ((100 * r.n) / o.episodes).toFixed(1) : 0}%</td></tr>`)}</tbody></table>
    <h2>Failures</h2>${failures}
    <h2>Protocol</h2>${protocol ? html`<pre>${JSON.stringify(protocol, null, 2)}</pre>` : html`<p class="muted">This run records no protocol (made by import or a stage of self-play).</p>`}
    <h2>Resolved config</h2>${d.config ? html`<pre>${d.config}</pre>` : html`<p class="muted">No config.yaml in the run folder.</p>`}`;
}

export const runPage = (d: RunPageData, ctx: Ctx = {}): string => page({ title: d.ref.id, standalone: ctx.standalone }, runBody(d, ctx));
