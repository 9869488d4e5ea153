/** The runs list: one row per run and sub-run with what it is, its headline figure with its interval, cost, date. */
import { dateText, intText, usdText } from '../format.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { RunRef } from '../catalog.js';
import type { RunOverview } from '../queries.js';
import { est, modelsText } from './common.js';

export interface RunsItem { ref: RunRef; overview?: RunOverview; error?: string }

const protocolText = (o: RunOverview): string => {
  const p = o.protocol;
  if (p) return `${p.split ?? ''}${p.mode ? ` · ${String(p.mode)}` : ''}${p.taskCount ? ` · ${String(p.taskCount)} tasks × ${String(p.trials ?? 1)}` : ''}`;
  if (o.sotopia) return `sotopia${o.sotopia.mode ? ` · ${String(o.sotopia.mode)}` : ''}${o.sotopia.taskSet ? ` · ${String(o.sotopia.taskSet)}` : ''}`;
  if (o.selfplay) return `self-play · ${(o.selfplay.iterations as unknown[] | undefined)?.length ?? 0} iterations`;
  return o.kind === 'episodes' ? 'episodes (imported)' : '—';
};

export function runsPage(root: string, items: RunsItem[]): string {
  const rows = items.map(({ ref, overview: o, error }) => {
    const name = ref.parent ? html`<span class="muted">${ref.parent}/</span>${ref.id.slice(ref.parent.length + 1)}` : html`<b>${ref.id}</b>`;
    const target = o?.kind === 'selfplay' ? `/selfplay?run=${encodeURIComponent(ref.id)}` : `/run?run=${encodeURIComponent(ref.id)}`;
    if (!o) return html`<tr><td><a href="${target}">${name}</a></td><td colspan="8" class="bad">${error ?? 'unreadable'}</td></tr>`;
    const head = o.episodes ? html`${o.headline.name} ${est(o.headline.est, o.headline.scale)}` : html`<span class="muted">—</span>`;
    return html`<tr data-run="${ref.id}"><td style="padding-left:${ref.parent ? 24 : 10}px"><a href="${target}">${name}</a></td><td>${o.env}</td><td>${protocolText(o)}</td>
      <td class="muted">${modelsText(o.models)}</td><td class="num">${intText(o.episodes)}</td><td>${head}</td><td class="num">${usdText(o.costUsd)}</td><td>${dateText(o.lastAt)}</td>
      <td><input type="checkbox" name="runs" value="${ref.id}" form="cmp" aria-label="compare ${ref.id}"></td></tr>`;
  });
  const body = html`<h1>Runs</h1><p class="muted">${items.length} runs and sub-runs in ${root}. Intervals are 95% (Wilson for rates, Student t for means).</p>
    <form id="cmp" action="/compare" method="get"></form>
    <table><thead><tr><th>run</th><th>environment</th><th>protocol</th><th>models</th><th class="num">episodes</th><th>headline [95% CI]</th><th class="num">cost</th><th>finished</th><th>compare</th></tr></thead>
    <tbody>${rows}</tbody></table><p><button form="cmp" type="submit">compare selected runs</button></p>`;
  return page({ title: 'runs' }, body);
}
