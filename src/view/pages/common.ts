/** Pieces several pages use: links that become text in standalone reports, models, figure cards, the pager. */
import type { ModelRef } from '../../core/episode.js';
import type { Estimate } from '../../eval/stats.js';
import { estimateText } from '../format.js';
import { html, query, type Html } from '../html.js';

export interface Ctx {
  /** A standalone report: links to other pages are plain text. */
  standalone?: boolean;
}

export function link(ctx: Ctx, path: string, params: Record<string, string | number | undefined>, text: unknown): Html {
  return ctx.standalone ? html`${text}` : html`<a href="${path + query(params)}">${text}</a>`;
}

export const modelsText = (m: Record<string, ModelRef>): string =>
  Object.entries(m).map(([role, r]) => `${role} ${r.spec}${r.temperature !== undefined ? ` (T=${r.temperature})` : ''}`).join(' · ') || '—';

export const card = (k: string, v: unknown, sub?: unknown): Html => html`<div class="card"><div class="k">${k}</div><div class="v">${v}</div>${sub ? html`<div class="muted">${sub}</div>` : ''}</div>`;

export const est = (e: Estimate, scale = 100): string => estimateText(e, scale, scale === 10 ? 2 : 1, scale === 100 ? '%' : '');

export const outcomeTag = (success: boolean): Html => (success ? html`<span class="ok">✓ success</span>` : html`<span class="bad">✗ fail</span>`);

/** Previous / next links and "page p of n" for a filtered list. */
export function pager(ctx: Ctx, path: string, params: Record<string, string | number | undefined>, pageNo: number, perPage: number, total: number, noun = 'episodes'): Html {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const prev = pageNo > 1 ? link(ctx, path, { ...params, page: pageNo - 1 }, '← previous') : html`<span class="muted">← previous</span>`;
  const next = pageNo < pages ? link(ctx, path, { ...params, page: pageNo + 1 }, 'next →') : html`<span class="muted">next →</span>`;
  return html`<div class="pager">${prev}<span>page ${pageNo} of ${pages} · ${total.toLocaleString('en-US')} ${noun}</span>${next}</div>`;
}
