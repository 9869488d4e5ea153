/** `epo view`: a local, read-only web viewer over the runs folder (runs, episodes, self-play, comparisons). */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { runsRoot } from '../../store/run-dir.js';
import { checkHost, checkPort } from '../../serve/listen.js';
import { startView } from '../../view/server.js';

export function registerView(program: Command): void {
  program.command('view')
    .description('browse runs in a local web page: runs, metrics with intervals, episodes turn by turn with labels and weights, self-play, comparisons (read-only)')
    .option('--runs <dir>', 'the runs folder (default: EPO_RUNS_DIR or ./runs)')
    .option('--host <host>', 'address to bind (use 0.0.0.0 only on a trusted network: the pages show whole episodes)', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8321')
    .action(async (o: { runs?: string; host: string; port: string }) => {
      const root = o.runs ? resolve(o.runs) : runsRoot();
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new EpoError('NOT_FOUND', `no runs folder at ${root}; give --runs <dir> or run something first (epo eval, epo demo)`, { where: o.runs ? '--runs' : root });
      const server = await startView({ root, host: checkHost(o.host, '--host'), port: checkPort(o.port, '--port'), names: { host: '--host', port: '--port' } });
      process.stdout.write(`epo view: ${server.url}/ (runs in ${root}; Ctrl-C stops)\n`);
      await new Promise<void>((done) => {
        const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); void server.close().then(done); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
