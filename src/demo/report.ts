/** The demo's report: the self-play report (src/selfplay/report.ts) over the demo's summary (and, when given, the
 *  loop's own rows for the rollout, weight and loss columns). */
import { renderSelfPlayReport } from '../selfplay/report.js';
import type { SelfPlaySummary } from '../selfplay/summary.js';
import type { DemoSummary } from './run-demo.js';
import { formatByType } from './by-type.js';

export function renderReport(s: DemoSummary, more: Pick<SelfPlaySummary, 'rows'> = { rows: [] }): string {
  const extra = new Map(more.rows.map((r) => [r.iteration, r]));
  return renderSelfPlayReport({
    title: 'EPO self-play: held-out success per iteration', run: s.run, metric: 'success',
    models: { strategist: s.models.strategist, actor: s.models.actor },
    rows: s.rows.map((r) => ({ ...r, rollouts: extra.get(r.iteration)?.rollouts, weights: extra.get(r.iteration)?.weights, finalLoss: extra.get(r.iteration)?.train?.finalLoss })),
    improvement: s.improvement,
    footer: [`Total wall time ${s.wallSeconds.toFixed(0)} s.`, ...formatByType(s.rows).map((l) => l.trim()), `Code ${s.codeVersion}.`].join(' '),
  });
}
