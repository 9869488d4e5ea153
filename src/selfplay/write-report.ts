/** `summary.json` and `report.html` in a self-play run folder, from the loop's state. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSelfPlayReport } from './report.js';
import type { SelfPlayState } from './selfplay.js';
import { summariseSelfPlay, type SelfPlaySummary } from './summary.js';

export function writeSelfPlayReport(dir: string, state: SelfPlayState, o: Parameters<typeof summariseSelfPlay>[1]): SelfPlaySummary {
  const s = summariseSelfPlay(state, o);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(s, null, 2) + '\n');
  let cumulative = 0;
  writeFileSync(join(dir, 'report.html'), renderSelfPlayReport({
    title: `EPO self-play on ${o.env}: held-out ${s.metric === 'goal' ? 'goal' : 'success'} per iteration`, run: s.run, metric: s.metric,
    models: s.models as Record<string, string>,
    rows: s.rows.map((r) => {
      cumulative += Object.values(r.seconds).reduce((a, b) => a + (b ?? 0), 0);
      return { ...r, finalLoss: r.train?.finalLoss, wallSeconds: cumulative };
    }),
    improvement: s.improvement,
    footer: `${s.waiting ? 'Waiting for a checkpoint trained outside. ' : ''}Time in stages ${s.stageSeconds.toFixed(0)} s. Code ${s.codeVersion}.`,
  }));
  return s;
}
