/**
 * Charts as inline SVG, drawn on the server: axes with ticks and labels, 95% intervals as error bars or bands, and a
 * hover title on every mark. No chart library; each function returns markup for one figure.
 */
import type { Estimate } from '../eval/stats.js';
import { esc, raw, type Html } from './html.js';

const COLORS = ['#1f6feb', '#d9480f', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599'];
export const seriesColor = (i: number): string => COLORS[i % COLORS.length];

const f = (x: number) => (Math.round(x * 10) / 10).toString();

/** About `count` round tick values from at or below `lo` to at or above `hi` (axes end on a tick). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) { hi = lo + 1; }
  const span = hi - lo;
  const step0 = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  const out: number[] = [];
  // multiples of the step, rounded so that 3 × 0.2 prints as 0.6
  for (let k = Math.floor(lo / step + 1e-9); k <= Math.ceil(hi / step - 1e-9); k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

const tickText = (v: number, scale: number, unit: string) => {
  const x = v * scale;
  return `${Number.isInteger(Math.round(x * 1000) / 1000) ? Math.round(x) : x.toFixed(Math.abs(x) < 1 ? 2 : 1)}${unit}`;
};

interface Frame { W: number; H: number; L: number; R: number; T: number; B: number }
const frame = (W: number, H: number): Frame => ({ W, H, L: 64, R: 16, T: 28, B: 52 });

function axes(fr: Frame, ticks: number[], y: (v: number) => number, o: { scale: number; unit: string; title: string; xLabel: string; yLabel: string }): string {
  const grid = ticks.map((v) => `<line x1="${fr.L}" x2="${fr.W - fr.R}" y1="${f(y(v))}" y2="${f(y(v))}" class="grid"/>`
    + `<text x="${fr.L - 6}" y="${f(y(v) + 4)}" text-anchor="end" class="tick">${esc(tickText(v, o.scale, o.unit))}</text>`).join('');
  return `<text x="${fr.L}" y="16" class="ctitle">${esc(o.title)}</text>${grid}`
    + `<line x1="${fr.L}" x2="${fr.L}" y1="${fr.T}" y2="${fr.H - fr.B}" class="axis"/><line x1="${fr.L}" x2="${fr.W - fr.R}" y1="${fr.H - fr.B}" y2="${fr.H - fr.B}" class="axis"/>`
    + `<text x="${(fr.L + fr.W - fr.R) / 2}" y="${fr.H - 8}" text-anchor="middle" class="alabel">${esc(o.xLabel)}</text>`
    + `<text transform="translate(14 ${(fr.T + fr.H - fr.B) / 2}) rotate(-90)" text-anchor="middle" class="alabel">${esc(o.yLabel)}</text>`;
}

export interface IntervalSeries {
  name: string;
  /** One estimate per category (undefined: no point there). */
  values: (Estimate | undefined)[];
}

export interface IntervalChart {
  title: string;
  categories: string[];
  series: IntervalSeries[];
  xLabel: string;
  yLabel: string;
  /** Fixed y range; default [0, 1] (rates). */
  yRange?: [number, number];
  /** 100 shows rates as percentages. */
  scale?: number;
  /** Join the points of a series (an ordered x axis such as iterations). */
  connect?: boolean;
  width?: number;
  height?: number;
}

/** Points with 95% error bars per category, one colour per series, a legend when there are several. */
export function intervalChart(c: IntervalChart): Html {
  const fr = frame(c.width ?? 640, c.height ?? 300);
  const [lo, hi] = c.yRange ?? [0, 1];
  const scale = c.scale ?? 100, unit = scale === 100 ? '%' : '';
  const y = (v: number) => fr.T + (fr.H - fr.T - fr.B) * (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1));
  const n = Math.max(1, c.categories.length);
  const band = (fr.W - fr.L - fr.R) / n;
  const k = c.series.length;
  const x = (i: number, s: number) => fr.L + band * (i + 0.5) + (k > 1 ? (s - (k - 1) / 2) * Math.min(14, band / (k + 1)) : 0);
  const cats = c.categories.map((name, i) => `<text x="${f(fr.L + band * (i + 0.5))}" y="${fr.H - fr.B + 16}" text-anchor="middle" class="tick">${esc(name.length > 14 ? `${name.slice(0, 13)}…` : name)}<title>${esc(name)}</title></text>`).join('');
  const marks = c.series.map((s, si) => {
    const color = seriesColor(si);
    const line = c.connect ? `<path d="${s.values.map((e, i) => (e && Number.isFinite(e.mean) ? `${i && s.values[i - 1] ? 'L' : 'M'}${f(x(i, si))},${f(y(e.mean))}` : '')).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>` : '';
    const pts = s.values.map((e, i) => {
      if (!e || !Number.isFinite(e.mean)) return '';
      const tip = `${s.name} · ${c.categories[i]}: ${tickText(e.mean, scale, unit)}${Number.isFinite(e.lo) ? ` [${tickText(e.lo, scale, unit)}, ${tickText(e.hi, scale, unit)}]` : ''} (n=${e.n})`;
      const bar = Number.isFinite(e.lo) ? `<line x1="${f(x(i, si))}" x2="${f(x(i, si))}" y1="${f(y(e.lo))}" y2="${f(y(e.hi))}" stroke="${color}" stroke-width="2"/>`
        + `<line x1="${f(x(i, si) - 5)}" x2="${f(x(i, si) + 5)}" y1="${f(y(e.lo))}" y2="${f(y(e.lo))}" stroke="${color}"/><line x1="${f(x(i, si) - 5)}" x2="${f(x(i, si) + 5)}" y1="${f(y(e.hi))}" y2="${f(y(e.hi))}" stroke="${color}"/>` : '';
      return `<g class="mark"><title>${esc(tip)}</title>${bar}<circle cx="${f(x(i, si))}" cy="${f(y(e.mean))}" r="5" fill="${color}"/></g>`;
    }).join('');
    return line + pts;
  }).join('');
  const legend = k > 1 ? c.series.map((s, si) => `<g transform="translate(${fr.W - fr.R - 150} ${fr.T + 4 + si * 16})"><rect width="10" height="10" fill="${seriesColor(si)}"/><text x="14" y="9" class="tick">${esc(s.name)}</text></g>`).join('') : '';
  const body = axes(fr, niceTicks(lo, hi), y, { scale, unit, title: c.title, xLabel: c.xLabel, yLabel: c.yLabel }) + cats + marks + legend;
  return raw(`<svg class="chart" viewBox="0 0 ${fr.W} ${fr.H}" width="${fr.W}" height="${fr.H}" role="img" aria-label="${esc(c.title)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`);
}

export interface LineSeries { name: string; points: [number, number][] }

/** Lines over a numeric x axis (e.g. the training loss per step), with a marker at each iteration boundary. */
export function lineChart(c: { title: string; series: LineSeries[]; xLabel: string; yLabel: string; marks?: { x: number; label: string }[]; width?: number; height?: number }): Html {
  const fr = frame(c.width ?? 640, c.height ?? 260);
  const all = c.series.flatMap((s) => s.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (!all.length) return raw(`<p class="muted">${esc(c.title)}: no data</p>`);
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const yt = niceTicks(Math.min(0, Math.min(...ys)), Math.max(...ys));
  const y0 = yt[0] ?? 0, y1 = yt[yt.length - 1] ?? 1;
  const x = (v: number) => fr.L + (fr.W - fr.L - fr.R) * ((v - x0) / (x1 - x0));
  const y = (v: number) => fr.T + (fr.H - fr.T - fr.B) * (1 - (v - y0) / (y1 - y0 || 1));
  const xt = niceTicks(x0, x1, 6).filter((v) => v >= x0 && v <= x1)
    .map((v) => `<text x="${f(x(v))}" y="${fr.H - fr.B + 16}" text-anchor="middle" class="tick">${esc(tickText(v, 1, ''))}</text>`).join('');
  const lines = c.series.map((s, si) => `<path d="${s.points.map(([a, b], i) => `${i ? 'L' : 'M'}${f(x(a))},${f(y(b))}`).join(' ')}" fill="none" stroke="${seriesColor(si)}" stroke-width="1.8"><title>${esc(s.name)}</title></path>`
    + s.points.filter((_, i) => s.points.length <= 60 || i % Math.ceil(s.points.length / 60) === 0)
      .map(([a, b]) => `<circle cx="${f(x(a))}" cy="${f(y(b))}" r="2.5" fill="${seriesColor(si)}"><title>${esc(`${s.name} · ${c.xLabel} ${a}: ${b.toFixed(4)}`)}</title></circle>`).join('')).join('');
  const marks = (c.marks ?? []).map((m) => `<line x1="${f(x(m.x))}" x2="${f(x(m.x))}" y1="${fr.T}" y2="${fr.H - fr.B}" class="mark-line"/><text x="${f(x(m.x) + 3)}" y="${fr.T + 10}" class="tick">${esc(m.label)}</text>`).join('');
  const body = axes(fr, yt, y, { scale: 1, unit: '', title: c.title, xLabel: c.xLabel, yLabel: c.yLabel }) + xt + marks + lines;
  return raw(`<svg class="chart" viewBox="0 0 ${fr.W} ${fr.H}" width="${fr.W}" height="${fr.H}" role="img" aria-label="${esc(c.title)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`);
}

/** Differences with their intervals as horizontal rows around a zero line (a forest plot). */
export function forestPlot(c: { title: string; rows: { label: string; est: Estimate }[]; xLabel: string; scale?: number; width?: number }): Html {
  const W = c.width ?? 640, rowH = 28, T = 30, B = 40, L = 200, R = 24;
  const H = T + B + rowH * Math.max(1, c.rows.length);
  const scale = c.scale ?? 100, unit = scale === 100 ? ' pts' : '';
  const ends = c.rows.flatMap((r) => [r.est.lo, r.est.hi, r.est.mean]).filter(Number.isFinite);
  const m = Math.max(0.05, ...ends.map(Math.abs));
  const ticks = niceTicks(-m, m, 6);
  const lo = Math.min(-m, ticks[0] ?? -m), hi = Math.max(m, ticks[ticks.length - 1] ?? m);
  const x = (v: number) => L + (W - L - R) * ((v - lo) / (hi - lo));
  const grid = ticks.map((v) => `<line x1="${f(x(v))}" x2="${f(x(v))}" y1="${T}" y2="${H - B}" class="${v === 0 ? 'axis' : 'grid'}"/><text x="${f(x(v))}" y="${H - B + 16}" text-anchor="middle" class="tick">${esc(tickText(v, scale, ''))}</text>`).join('');
  const rows = c.rows.map((r, i) => {
    const cy = T + rowH * (i + 0.5);
    const e = r.est;
    const tip = `${r.label}: ${Number.isFinite(e.mean) ? tickText(e.mean, scale, unit) : 'n/a'}${Number.isFinite(e.lo) ? ` [${tickText(e.lo, scale, '')}, ${tickText(e.hi, scale, '')}]` : ''} (${e.n} paired tasks)`;
    const bar = Number.isFinite(e.lo) ? `<line x1="${f(x(e.lo))}" x2="${f(x(e.hi))}" y1="${f(cy)}" y2="${f(cy)}" stroke="${seriesColor(i + 1)}" stroke-width="3"/>` : '';
    const dot = Number.isFinite(e.mean) ? `<rect x="${f(x(e.mean) - 5)}" y="${f(cy - 5)}" width="10" height="10" fill="${seriesColor(i + 1)}"/>` : '';
    return `<g class="mark"><title>${esc(tip)}</title><text x="${L - 8}" y="${f(cy + 4)}" text-anchor="end" class="tick">${esc(r.label)}</text>${bar}${dot}</g>`;
  }).join('');
  const body = `<text x="8" y="16" class="ctitle">${esc(c.title)}</text>${grid}${rows}<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" class="alabel">${esc(c.xLabel)}</text>`;
  return raw(`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(c.title)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`);
}

/** One bar per strategist turn (its training weight; critical turns in orange), with the return as a line. */
export function weightBars(c: { title: string; turns: { label: string; weight: number; ret: number; critical: boolean }[]; width?: number }): Html {
  const fr = frame(c.width ?? 640, 220);
  if (!c.turns.length) return raw('');
  const vals = c.turns.flatMap((t) => [t.weight, t.ret]).filter(Number.isFinite);
  const ticks = niceTicks(Math.min(0, ...vals), Math.max(0, ...vals));
  const lo = ticks[0] ?? 0, hi = ticks[ticks.length - 1] ?? 1;
  const y = (v: number) => fr.T + (fr.H - fr.T - fr.B) * (1 - (v - lo) / (hi - lo || 1));
  const band = (fr.W - fr.L - fr.R) / c.turns.length;
  const bw = Math.max(2, Math.min(28, band * 0.6));
  const cx = (i: number) => fr.L + band * (i + 0.5);
  const bars = c.turns.map((t, i) => {
    const top = y(Math.max(0, t.weight)), bottom = y(Math.min(0, t.weight));
    return `<g class="mark"><title>${esc(`turn ${t.label}: weight ${t.weight.toFixed(3)}, return ${t.ret.toFixed(3)}${t.critical ? ' (critical)' : ''}`)}</title>`
      + `<rect x="${f(cx(i) - bw / 2)}" y="${f(top)}" width="${f(bw)}" height="${f(Math.max(1, bottom - top))}" fill="${t.critical ? '#e8590c' : '#1f6feb'}"/>`
      + `${c.turns.length <= 40 ? `<text x="${f(cx(i))}" y="${fr.H - fr.B + 16}" text-anchor="middle" class="tick">${esc(t.label)}</text>` : ''}</g>`;
  }).join('');
  const line = `<path d="${c.turns.map((t, i) => `${i ? 'L' : 'M'}${f(cx(i))},${f(y(t.ret))}`).join(' ')}" fill="none" stroke="#2f9e44" stroke-width="1.5" stroke-dasharray="4 3"><title>return</title></path>`;
  const zero = `<line x1="${fr.L}" x2="${fr.W - fr.R}" y1="${f(y(0))}" y2="${f(y(0))}" class="axis"/>`;
  const legend = `<g transform="translate(${fr.W - fr.R - 230} 10)"><rect width="10" height="10" fill="#1f6feb"/><text x="14" y="9" class="tick">weight</text><rect x="70" width="10" height="10" fill="#e8590c"/><text x="84" y="9" class="tick">critical</text><line x1="140" x2="160" y1="5" y2="5" stroke="#2f9e44" stroke-dasharray="4 3"/><text x="164" y="9" class="tick">return</text></g>`;
  const body = axes(fr, ticks, y, { scale: 1, unit: '', title: c.title, xLabel: 'turn', yLabel: 'weight' }) + zero + bars + line + legend;
  return raw(`<svg class="chart" viewBox="0 0 ${fr.W} ${fr.H}" width="${fr.W}" height="${fr.H}" role="img" aria-label="${esc(c.title)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`);
}
