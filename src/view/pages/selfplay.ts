/**
 * A self-play run: held-out figure per iteration with its interval beside the rollout success, the training loss
 * over all steps (iterations marked), the dataset weight statistics, stage times, and links to each stage's run.
 */
import { wilson } from '../../eval/stats.js';
import type { IterationRecord } from '../../selfplay/selfplay.js';
import { intText, numText } from '../format.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { RunRef } from '../catalog.js';
import { intervalChart, lineChart, type LineSeries } from '../svg.js';
import { est, link, type Ctx } from './common.js';

export interface SelfplayPageData {
  ref: RunRef;
  iterations: IterationRecord[];
  /** Sub-runs of this run, by name (`it1-rollouts` …). */
  subRuns: string[];
  /** Training steps per iteration (from each checkpoint's trainer state). */
  loss: { iteration: number; steps: { step: number; loss: number }[] }[];
  config?: string;
}

export function selfplayBody(d: SelfplayPageData, ctx: Ctx): ReturnType<typeof html> {
  const its = d.iterations, id = d.ref.id;
  const goal = its.some((r) => r.eval?.metric === 'goal');
  const scale = goal ? 10 : 100;
  const chart = intervalChart({
    title: goal ? 'held-out goal per iteration (95% t intervals)' : 'held-out success per iteration (95% Wilson intervals)',
    xLabel: 'self-play iteration', yLabel: goal ? 'goal (0–10)' : 'success', scale, connect: true,
    categories: its.map((r) => String(r.iteration)),
    series: [
      { name: goal ? 'held-out goal' : 'held-out success', values: its.map((r) => r.eval?.rate) },
      { name: 'rollout success', values: its.map((r) => (r.rollouts ? wilson(Math.round(r.rollouts.success * r.rollouts.episodes), r.rollouts.episodes) : undefined)) },
    ],
  });
  let offset = 0;
  const series: LineSeries[] = [{ name: 'training loss', points: [] }];
  const marks: { x: number; label: string }[] = [];
  for (const l of d.loss) {
    if (!l.steps.length) continue;
    marks.push({ x: offset + l.steps[0].step, label: `it ${l.iteration}` });
    for (const s of l.steps) series[0].points.push([offset + s.step, s.loss]);
    offset += l.steps[l.steps.length - 1].step;
  }
  const lossChart = series[0].points.length ? lineChart({ title: 'training loss per step (all iterations)', series, xLabel: 'step', yLabel: 'loss', marks }) : html`<p class="muted">No training steps recorded (no local checkpoints with a trainer state).</p>`;
  const stageLinks = (i: number) => d.subRuns.filter((s) => new RegExp(`^it${i}-`).test(s))
    .map((s) => html`${link(ctx, s.endsWith('-rollouts') || s.endsWith('-eval') ? '/run' : '/run', { run: `${id}/${s}` }, s.replace(/^it\d+-/, ''))} `);
  const rows = its.map((r) => {
    const t = r.train && 'finalLoss' in r.train ? r.train : undefined;
    const waiting = r.train && 'waiting' in r.train ? r.train.waiting : undefined;
    return html`<tr><td>${r.iteration}</td><td>${r.eval ? html`${est(r.eval.rate, scale)} <span class="muted">(${r.eval.successes}/${r.eval.episodes})</span>` : '—'}</td>
      <td>${r.rollouts ? html`${(r.rollouts.success * 100).toFixed(1)}% <span class="muted">(${r.rollouts.episodes}, mean reward ${numText(r.rollouts.meanReward, 3)})</span>` : '—'}</td>
      <td>${r.labels ? `${r.labels.labelled}${r.labels.failed ? `, ${r.labels.failed} failed` : ''}` : '—'}</td>
      <td>${r.dataset ? html`${intText(r.dataset.examples)} ex · mean ${numText(r.dataset.weights.mean, 3)} <span class="muted">[${numText(r.dataset.weights.min, 2)}, ${numText(r.dataset.weights.max, 2)}]</span>` : '—'}</td>
      <td>${t ? html`${t.steps} steps · loss ${numText(t.finalLoss, 4)}` : waiting ? html`<span class="muted">waiting: trained outside</span>` : '—'}</td>
      <td class="muted">${Object.entries(r.seconds ?? {}).map(([k, v]) => `${k} ${Math.round(v ?? 0)}s`).join(' · ')}</td><td>${stageLinks(r.iteration)}</td></tr>`;
  });
  return html`<div class="crumbs">${link(ctx, '/', {}, 'runs')} / ${id}</div><h1>Self-play ${id}</h1>
    <p class="muted">${its.length} iterations (iteration 0 evaluates the starting strategist); strategist of the last: <code>${its[its.length - 1]?.strategist ?? '?'}</code></p>
    <div class="charts">${chart}${lossChart}</div>
    <h2>Iterations</h2><table><thead><tr><th>it</th><th>held-out [95% CI]</th><th>rollout success</th><th>labelled</th><th>dataset weights: mean [min, max]</th><th>training</th><th>time</th><th>stage runs</th></tr></thead><tbody>${rows}</tbody></table>
    <h2>Resolved config</h2>${d.config ? html`<pre>${d.config}</pre>` : html`<p class="muted">No config.yaml in the run folder.</p>`}`;
}

export const selfplayPage = (d: SelfplayPageData, ctx: Ctx = {}): string => page({ title: `self-play ${d.ref.id}`, standalone: ctx.standalone }, selfplayBody(d, ctx));
