/**
 * A SOTOPIA episode as a two-seat transcript: each seat's turns in its own column-side bubble with the strategy it
 * acted on, then the evaluator's seven scores (and overall) per seat with its reasoning for each.
 */
import type { Episode } from '../../core/episode.js';
import type { Label } from '../../core/label.js';
import { DIMENSIONS } from '../../envs/sotopia/evaluator.js';
import { numText } from '../format.js';
import { html, type Html } from '../html.js';
import type { TurnWeight } from '../weights.js';
import { labelSummary, strategyOf } from './labels.js';

interface Evaluation {
  evaluator?: string;
  ok?: boolean;
  error?: string;
  testSeats?: number[];
  seats?: { character: string; scores: Record<string, number>; reasoning: Record<string, string> }[];
}

export function sotopiaBody(e: Episode, labels: Label[], weights: TurnWeight[]): Html {
  const ev = e.evaluation as Evaluation | undefined;
  const names = ev?.seats?.map((s) => s.character) ?? ['seat 0', 'seat 1'];
  const weightOf = new Map(weights.map((w) => [w.turn, w]));
  const turns = e.turns.map((t, i) => {
    const seat = t.seat ?? 0, w = weightOf.get(i), strategy = strategyOf(t);
    return html`<div class="bubble seat${seat % 2}" id="turn-${i}"><div class="muted"><b>${names[seat] ?? `seat ${seat}`}</b> · turn ${t.index}${w ? ` · return ${numText(w.return, 3)} · weight ${numText(w.weight, 3)}` : ''}${w?.critical ? ' · critical' : ''}</div>
      ${strategy !== undefined ? html`<div class="strategy">strategy: ${strategy}</div>` : ''}
      <div>${t.action}</div>${t.actor?.parseError ? html`<div class="bad">unparsable reply: ${t.actor.parseError}</div>` : ''}</div>`;
  });
  let scores: Html = html`<p class="muted">Not evaluated.</p>`;
  if (ev && (!ev.ok || !ev.seats)) scores = html`<p class="bad">The evaluation (${ev.evaluator ?? '?'}) failed: ${ev.error ?? 'unknown'}</p>`;
  else if (ev?.seats) {
    const seats = ev.seats;
    scores = html`<p class="muted">evaluator ${ev.evaluator ?? '?'}; tested seat(s) marked *</p><table><thead><tr><th>dimension</th>${seats.map((s, k) => html`<th>${s.character}${ev.testSeats?.includes(k) ? ' *' : ''}</th>`)}</tr></thead><tbody>
      ${[...DIMENSIONS, 'overall'].map((d) => html`<tr><td>${d}</td>${seats.map((s) => html`<td><b>${d === 'overall' ? numText(s.scores[d], 2) : String(s.scores[d] ?? '')}</b>${d !== 'overall' && s.reasoning?.[d] ? html`<details><summary>reasoning</summary>${s.reasoning[d]}</details>` : ''}</td>`)}</tr>`)}</tbody></table>`;
  }
  return html`<h2>Scenario</h2><pre>${e.initialObservation}</pre>
    <h2>Conversation</h2><div class="seats-legend muted">${names.map((n, k) => html`<span class="tag seat${k}">${n}</span> `)}</div>${turns}
    <h2>Scores</h2>${scores}<h2>Process labels</h2>${labelSummary(labels)}`;
}
