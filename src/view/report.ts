/** `epo runs report --html`: the run's page (or its self-play page) as one self-contained file to share. */
import { resolveRun } from './catalog.js';
import { runPageData, selfplayPageData } from './app.js';
import { runPage } from './pages/run.js';
import { selfplayPage } from './pages/selfplay.js';
import { RunConnections } from './run-db.js';

export function runReportHtml(root: string, run: string, where = '--run'): string {
  const ref = resolveRun(root, run, where);
  const conns = new RunConnections();
  try {
    const app = { root, conns };
    const sp = selfplayPageData(app, ref);
    return sp ? selfplayPage(sp, { standalone: true }) : runPage(runPageData(app, ref), { standalone: true });
  } finally { conns.closeAll(); }
}
