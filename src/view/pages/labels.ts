/** What the turn and label views share: the strategy a turn acted on, and each labeler's labels with its reasoning. */
import type { Turn } from '../../core/episode.js';
import type { Label } from '../../core/label.js';
import { numText } from '../format.js';
import { html, type Html } from '../html.js';

/** The strategy a turn acted on: the strategist's output (or what the loop recorded as the strategy). */
export const strategyOf = (t: Turn): string | undefined => (typeof t.info?.strategy === 'string' ? t.info.strategy : t.strategist?.output);

export function labelSummary(labels: Label[]): Html {
  if (!labels.length) return html`<p class="muted">No process labels.</p>`;
  return html`${labels.map((l) => html`<details><summary>${l.labeler}: rewards [${l.rewards.map((r) => numText(r, 2)).join(', ')}]${l.critical?.length ? `, critical turns ${l.critical.join(', ')}` : ''}</summary>${l.reasoning ? html`<pre>${l.reasoning}</pre>` : html`<p class="muted">no reasoning recorded</p>`}</details>`)}`;
}

