/** The demo's report: one self-contained HTML page with an inline SVG chart of held-out success per iteration. */
import type { DemoSummary } from './run-demo.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function renderReport(s: DemoSummary): string {
  const W = 560, H = 320, L = 60, R = 20, T = 20, B = 50;
  const n = Math.max(1, s.rows.length - 1);
  const x = (i: number) => L + ((W - L - R) * i) / n;
  const y = (p: number) => T + (H - T - B) * (1 - p);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((p) => `<line x1="${L}" x2="${W - R}" y1="${y(p)}" y2="${y(p)}" stroke="#ddd"/><text x="${L - 8}" y="${y(p) + 4}" text-anchor="end" font-size="12">${p * 100}%</text>`).join('');
  const bars = s.rows.map((r, i) => `<line x1="${x(i)}" x2="${x(i)}" y1="${y(r.rate.lo)}" y2="${y(r.rate.hi)}" stroke="#888" stroke-width="2"/>`
    + `<line x1="${x(i) - 6}" x2="${x(i) + 6}" y1="${y(r.rate.lo)}" y2="${y(r.rate.lo)}" stroke="#888"/><line x1="${x(i) - 6}" x2="${x(i) + 6}" y1="${y(r.rate.hi)}" y2="${y(r.rate.hi)}" stroke="#888"/>`
    + `<circle cx="${x(i)}" cy="${y(r.rate.mean)}" r="5" fill="#1f6feb"/><text x="${x(i)}" y="${H - B + 20}" text-anchor="middle" font-size="12">${r.iteration}</text>`).join('');
  const path = s.rows.map((r, i) => `${i ? 'L' : 'M'}${x(i)},${y(r.rate.mean)}`).join(' ');
  const rows = s.rows.map((r) => `<tr><td>${r.iteration}</td><td>${(r.rate.mean * 100).toFixed(1)}% (${r.successes}/${r.episodes})</td><td>[${(r.rate.lo * 100).toFixed(1)}%, ${(r.rate.hi * 100).toFixed(1)}%]</td><td>${r.wallSeconds.toFixed(0)} s</td></tr>`).join('');
  const i = s.improvement;
  return `<!doctype html><html><head><meta charset="utf-8"><title>epo demo: ${esc(s.run)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:720px;margin:2em auto}table{border-collapse:collapse}td,th{padding:4px 12px;border-bottom:1px solid #eee;text-align:left}</style></head><body>
<h1>EPO self-play: held-out success per iteration</h1>
<p>Strategist <code>${esc(s.models.strategist)}</code>, actor <code>${esc(s.models.actor)}</code>; ${s.rows[0]?.episodes ?? 0} held-out games per evaluation; 95% Wilson intervals.</p>
<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${grid}<path d="${path}" fill="none" stroke="#1f6feb" stroke-width="2"/>${bars}
<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" font-size="13">self-play iteration</text></svg>
<table><tr><th>iteration</th><th>held-out success</th><th>95% CI</th><th>wall time</th></tr>${rows}</table>
<p>Improvement: ${(i.difference * 100).toFixed(1)} points (95% CI [${(i.lo * 100).toFixed(1)}, ${(i.hi * 100).toFixed(1)}]). Total wall time ${s.wallSeconds.toFixed(0)} s. Code ${esc(s.codeVersion)}.</p>
</body></html>
`;
}
