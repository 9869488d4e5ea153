/** The page shell every page shares: styles inline (works offline, and standalone reports need nothing beside them). */
import { html, raw, type Html } from './html.js';

const CSS = `
:root{--fg:#1d2328;--muted:#66707a;--line:#e3e7eb;--bg:#fff;--soft:#f5f7f9;--ok:#2f9e44;--bad:#c92a2a;--accent:#1f6feb}
*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0}
header{background:#14191f;color:#fff;padding:10px 24px;display:flex;gap:20px;align-items:baseline}header a{color:#cfe1ff}header .brand{font-weight:700;color:#fff}
main{padding:16px 24px 48px;max-width:1400px}h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}.muted{color:var(--muted)}.crumbs{color:var(--muted);margin-bottom:6px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}th{background:var(--soft);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:600}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:180px;background:var(--soft)}.card .v{font-size:20px;font-weight:650}.card .k{color:var(--muted);font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:18px}svg.chart{max-width:100%;height:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
svg .grid{stroke:#eceff2}svg .axis{stroke:#8a949e}svg .tick{font-size:11px;fill:#4a535c}svg .alabel{font-size:12px;fill:#333}svg .ctitle{font-size:13px;font-weight:600;fill:#222}svg .mark-line{stroke:#b0b8c0;stroke-dasharray:3 3}svg .mark:hover circle,svg .mark:hover rect{stroke:#000;stroke-width:1.5}
pre{white-space:pre-wrap;word-break:break-word;background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0;max-height:420px;overflow:auto;font-size:12.5px}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end;background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:10px;margin:10px 0}form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
form.filters input,form.filters select{font:inherit;padding:4px 6px;border:1px solid #c5ccd3;border-radius:4px}button{font:inherit;padding:5px 12px;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
.pager{display:flex;gap:12px;align-items:center;margin:8px 0}.turn{border:1px solid var(--line);border-radius:8px;margin:10px 0;overflow:hidden}.turn>.head{background:var(--soft);padding:6px 10px;display:flex;gap:16px;flex-wrap:wrap}.turn>.body{padding:6px 10px;display:grid;grid-template-columns:140px 1fr;gap:4px 12px}.turn .body>.k{color:var(--muted);font-size:12px;padding-top:6px}
.crit{background:#fff4e6;border-color:#ffa94d}.tag{display:inline-block;padding:0 6px;border-radius:10px;background:#e7f0ff;font-size:12px}.tag.crit{background:#ffe8cc}
.seats{display:grid;grid-template-columns:1fr 1fr;gap:12px}.bubble{border:1px solid var(--line);border-radius:10px;padding:8px 10px;margin:6px 0;max-width:92%}.seat0{background:#f1f6ff}.seat1{background:#f3fbf3;margin-left:8%}.strategy{font-size:12.5px;color:#5c3c00;background:#fff8e1;border-left:3px solid #f0b400;padding:4px 8px;margin:4px 0;white-space:pre-wrap}
.side{display:grid;gap:12px}.side>div{min-width:0;border:1px solid var(--line);border-radius:8px;padding:8px}.cell-ok{background:#ebfbee}.cell-bad{background:#fff5f5}details>summary{cursor:pointer;color:var(--accent)}
`;

export interface PageOptions {
  title: string;
  /** Self-contained: no navigation links, no script (`runs report --html`). */
  standalone?: boolean;
}

export function page(o: PageOptions, body: Html): string {
  const nav = o.standalone ? html`<span class="brand">epo</span><span>${o.title}</span>`
    : html`<a class="brand" href="/">epo view</a><a href="/">runs</a><a href="/compare">compare</a>`;
  const script = o.standalone ? '' : html`<script src="/app.js" defer></script>`;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${o.title} · epo</title><style>${raw(CSS)}</style>${script}</head><body><header>${nav}</header><main>${body}</main></body></html>`.text + '\n';
}

/** The little script of the live viewer: filters submit on change. (No inline scripts: the page's policy forbids them.) */
export const APP_JS = `document.querySelectorAll('form.filters select').forEach(function (s) { s.addEventListener('change', function () { s.form.submit(); }); });
document.querySelectorAll('[data-check-all]').forEach(function (b) { b.addEventListener('click', function () { document.querySelectorAll('input[name=runs]').forEach(function (c) { c.checked = true; }); }); });
`;
