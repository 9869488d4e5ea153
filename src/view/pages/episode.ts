/**
 * One episode turn by turn: the strategist's strategy, the actor's output, the parsed action, the observation, the
 * step reward, each labeler's process reward (critical turns marked), and the return and training weight under the
 * run's setting. Two-seat episodes (SOTOPIA) are shown by `sotopia.ts`.
 */
import type { Episode, Turn } from '../../core/episode.js';
import type { Label } from '../../core/label.js';
import { strategistTurnIndexes } from '../../rewards/outcome.js';
import { dateText, numText } from '../format.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import type { RunRef } from '../catalog.js';
import type { TurnWeight, WeightSetting } from '../weights.js';
import { weightBars } from '../svg.js';
import { link, modelsText, outcomeTag, type Ctx } from './common.js';
import { labelSummary, strategyOf } from './labels.js';
import { sotopiaBody } from './sotopia.js';

export interface EpisodePageData {
  ref: RunRef;
  episode: Episode;
  labels: Label[];
  setting: WeightSetting;
  weights: TurnWeight[];
}

/** Per turn index: what each labeler gave it (its position among the strategist turns). */
function labelsByTurn(e: Episode, labels: Label[]): Map<number, { labeler: string; reward: number; critical: boolean }[]> {
  const order = strategistTurnIndexes(e);
  const out = new Map<number, { labeler: string; reward: number; critical: boolean }[]>();
  for (const l of labels) {
    if (!Array.isArray(l.rewards) || l.rewards.length !== order.length) continue;
    const crit = new Set(l.critical ?? []);
    order.forEach((turn, k) => out.set(turn, [...(out.get(turn) ?? []), { labeler: l.labeler, reward: l.rewards[k], critical: crit.has(k) }]));
  }
  return out;
}

function turnCard(t: Turn, i: number, byTurn: ReturnType<typeof labelsByTurn>, weight: TurnWeight | undefined): Html {
  const marks = byTurn.get(i) ?? [];
  const critical = marks.some((m) => m.critical);
  const strategy = strategyOf(t);
  return html`<div class="turn ${critical ? 'crit' : ''}" id="turn-${i}"><div class="head"><b>turn ${t.index}</b>${t.seat !== undefined ? html`<span>seat ${t.seat}</span>` : ''}
      <span>reward ${numText(t.reward, 3)}</span>${t.done ? html`<span class="tag">done</span>` : ''}${critical ? html`<span class="tag crit">critical</span>` : ''}
      ${weight ? html`<span>return ${numText(weight.return, 3)}</span><span><b>weight ${numText(weight.weight, 3)}</b></span>` : ''}</div>
    <div class="body">
      ${strategy !== undefined ? html`<div class="k">strategy</div><div class="strategy">${strategy}</div>` : ''}
      ${t.strategist?.parseError ? html`<div class="k">strategy parse</div><div class="bad">${t.strategist.parseError}</div>` : ''}
      ${t.actor ? html`<div class="k">actor output</div><pre>${t.actor.output}</pre>` : ''}
      ${t.actor?.parseError ? html`<div class="k">action parse</div><div class="bad">${t.actor.parseError}</div>` : ''}
      <div class="k">action</div><div><code>${t.action}</code></div>
      <div class="k">observation</div><pre>${t.observation}</pre>
      ${marks.length ? html`<div class="k">judge labels</div><div>${marks.map((m) => html`<span class="tag ${m.critical ? 'crit' : ''}">${m.labeler}: ${numText(m.reward, 3)}${m.critical ? ' · critical' : ''}</span> `)}</div>` : ''}
    </div></div>`;
}

export function episodePage(d: EpisodePageData, ctx: Ctx = {}): string {
  const e = d.episode, id = d.ref.id;
  const head = html`<div class="crumbs">${link(ctx, '/', {}, 'runs')} / ${link(ctx, '/run', { run: id }, id)} / ${link(ctx, '/episodes', { run: id }, 'episodes')} / ${e.id}</div>
    <h1>${e.id}</h1><p>${outcomeTag(e.outcome.success)} · reward ${numText(e.outcome.reward, 3)} · ended: ${e.outcome.reason} · ${e.turns.length} turns · ${e.env} · seed ${e.seed} · ${dateText(e.finishedAt)}</p>
    <p class="muted">${modelsText(e.models)}</p>${e.error ? html`<p class="bad">error: ${e.error}</p>` : ''}
    <p class="muted">${link(ctx, '/compare', { task: e.taskId, runs: id }, 'this task in other runs')}</p>`;
  if (e.turns.some((t) => t.seat !== undefined)) return page({ title: e.id }, html`${head}${sotopiaBody(e, d.labels, d.weights)}`);
  const byTurn = labelsByTurn(e, d.labels);
  const weightOf = new Map(d.weights.map((w) => [w.turn, w]));
  const body = html`${head}
    <h2>Labels and weights</h2><p class="muted">Weights: labeler ${d.setting.labeler ?? 'none'}, ${d.setting.rule.name} rule (γ ${d.setting.rule.params.gamma}), from ${d.setting.from}.</p>
    ${weightBars({ title: 'training weight per strategist turn', turns: d.weights.map((w) => ({ label: String(e.turns[w.turn].index), weight: w.weight, ret: w.return, critical: w.critical })) })}${labelSummary(d.labels)}
    <h2>Task</h2><pre>${e.initialObservation}</pre><details><summary>task record</summary><pre>${JSON.stringify(e.task, null, 2)}</pre></details>
    <h2>Turns</h2>${e.turns.map((t, i) => turnCard(t, i, byTurn, weightOf.get(i)))}
    <h2>Outcome</h2><pre>${JSON.stringify({ outcome: e.outcome, evaluation: e.evaluation }, null, 2)}</pre>`;
  return page({ title: e.id }, body);
}
