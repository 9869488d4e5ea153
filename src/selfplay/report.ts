/**
 * The self-play report: one self-contained HTML page (no scripts, no network) with an inline SVG chart of the
 * held-out figure per iteration with its 95% interval, and a table of every iteration. `epo selfplay` and `epo demo`
 * both write it as report.html in the run folder.
 */
import type { Estimate } from '../eval/stats.js';

export interface ReportRow {
  iteration: number;
  rate: Estimate;
  successes: number;
  episodes: number;
  rollouts?: { success: number; meanReward: number };
  weights?: { mean: number };
  finalLoss?: number;
  wallSeconds: number;
}

export interface ReportInput {
  title: string;
  run: string;
  metric: 'success' | 'goal';
  models: Record<string, string>;
  rows: ReportRow[];
  improvement: { difference: number; lo: number; hi: number };
  /** A closing sentence (total time, code version). */
  footer: string;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const fmt = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

export function renderSelfPlayReport(s: ReportInput): string {
  const goal = s.metric === 'goal';
  const shown = (p: number) => (goal ? (p * 10).toFixed(2) : `${(p * 100).toFixed(1)}%`);
  const W = 720, H = 320, L = 60, R = 20, T = 20, B = 50;
  const n = Math.max(1, s.rows.length - 1);
  const x = (i: number) => L + ((W - L - R) * i) / n;
  const y = (p: number) => T + (H - T - B) * (1 - p);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((p) => `<line x1="${L}" x2="${W - R}" y1="${y(p)}" y2="${y(p)}" stroke="#ddd"/><text x="${L - 8}" y="${y(p) + 4}" text-anchor="end" font-size="12">${goal ? p * 10 : `${p * 100}%`}</text>`).join('');
  const bars = s.rows.map((r, i) => `<line x1="${x(i)}" x2="${x(i)}" y1="${y(r.rate.lo)}" y2="${y(r.rate.hi)}" stroke="#888" stroke-width="2"/>`
    + `<line x1="${x(i) - 6}" x2="${x(i) + 6}" y1="${y(r.rate.lo)}" y2="${y(r.rate.lo)}" stroke="#888"/><line x1="${x(i) - 6}" x2="${x(i) + 6}" y1="${y(r.rate.hi)}" y2="${y(r.rate.hi)}" stroke="#888"/>`
    + `<circle cx="${x(i)}" cy="${y(r.rate.mean)}" r="5" fill="#1f6feb"><title>iteration ${r.iteration}: ${shown(r.rate.mean)} [${shown(r.rate.lo)}, ${shown(r.rate.hi)}]</title></circle>`
    + `<text x="${x(i)}" y="${H - B + 20}" text-anchor="middle" font-size="12">${r.iteration}</text>`).join('');
  const path = s.rows.map((r, i) => `${i ? 'L' : 'M'}${x(i)},${y(r.rate.mean)}`).join(' ');
  const rows = s.rows.map((r) => `<tr><td>${r.iteration}</td><td>${shown(r.rate.mean)}${goal ? '' : ` (${r.successes}/${r.episodes})`}</td><td>[${shown(r.rate.lo)}, ${shown(r.rate.hi)}]</td>`
    + `<td>${r.rollouts ? `${(r.rollouts.success * 100).toFixed(1)}%` : '–'}</td><td>${fmt(r.weights?.mean)}</td><td>${fmt(r.finalLoss, 4)}</td><td>${r.wallSeconds.toFixed(0)} s</td></tr>`).join('');
  const i = s.improvement;
  const unit = goal ? '' : ' points';
  const k = goal ? 10 : 100;
  const models = Object.entries(s.models).map(([role, spec]) => `${esc(role)} <code>${esc(spec)}</code>`).join(', ');
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>epo self-play: ${esc(s.run)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328}svg{width:100%;height:auto;max-width:${W}px}table{border-collapse:collapse;width:100%}td,th{padding:4px 12px;border-bottom:1px solid #eee;text-align:left}code{font-size:90%}</style></head><body>
<h1>${esc(s.title)}</h1>
<p>Run <code>${esc(s.run)}</code>: ${models}; ${s.rows[0]?.episodes ?? 0} held-out ${goal ? 'episodes (mean goal 0-10 over both seats, 95% t intervals)' : 'episodes per evaluation (95% Wilson intervals)'}.</p>
<svg viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="held-out ${goal ? 'goal' : 'success'} per iteration">${grid}<path d="${path}" fill="none" stroke="#1f6feb" stroke-width="2"/>${bars}
<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" font-size="13">self-play iteration</text></svg>
<table><tr><th>iteration</th><th>held-out ${goal ? 'goal' : 'success'}</th><th>95% CI</th><th>rollout success</th><th>mean weight</th><th>final loss</th><th>wall time</th></tr>${rows}</table>
<p>Improvement: ${(i.difference * k).toFixed(goal ? 2 : 1)}${unit} (95% CI [${(i.lo * k).toFixed(goal ? 2 : 1)}, ${(i.hi * k).toFixed(goal ? 2 : 1)}]). ${esc(s.footer)}</p>
</body></html>
`;
}
