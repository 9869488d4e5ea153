/** `epo serve env`: an environment behind AgentGym's HTTP protocol and epo's native /v1/envs routes. */
import { tokenFromEnv } from '../shared.js';
import type { Command } from 'commander';
import { createLogger } from '../../core/log.js';
import { checkHost, checkPort } from '../../serve/listen.js';
import { loadServedEnv } from '../../serve/env/load.js';
import { startEnvServer } from '../../serve/env/server.js';
import { parseNumber } from '../num.js';

interface ServeEnvFlags {
  env: string; host: string; port: string; data?: string; split?: string; maxInstances: string; idleTimeout: string;
  tokenEnv?: string; maxBodyBytes: string;
}

/** Adds `env` under the `serve` command. */
export function registerServeEnv(serve: Command): void {
  serve.command('env')
    .description('serve an environment over AgentGym\'s HTTP protocol (POST /create, /reset, /step, /close; GET /observation, /available_actions, …) and epo\'s /v1/envs routes with a batch step')
    .requiredOption('--env <name>', 'alfworld, webshop, sotopia, or a registered environment (name, module path or package)')
    .option('--host <host>', 'address to bind (use 0.0.0.0 only on a trusted network)', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '36001')
    .option('--data <dir>', 'data root (default: EPO_DATA_DIR or ~/.cache/epo/data)')
    .option('--split <split>', 'split whose tasks a registered environment\'s game indices count (default: its evaluation split)')
    .option('--max-instances <n>', 'live instances at most (past it /create answers 429)', '1024')
    .option('--idle-timeout <s>', 'seconds an unused instance lives before eviction (0: never)', '600')
    .option('--token-env <VAR>', 'require "Authorization: Bearer <token>" with the token read from this environment variable')
    .option('--max-body-bytes <n>', 'largest request body accepted (bigger ones get 413)', String(1024 * 1024))
    .action(async (o: ServeEnvFlags) => {
      const host = checkHost(o.host, '--host');
      const port = checkPort(o.port, '--port');
      const maxInstances = parseNumber('--max-instances', o.maxInstances, { integer: true, min: 1, max: 1_000_000 })!;
      const idleTimeoutS = parseNumber('--idle-timeout', o.idleTimeout, { min: 0, max: 1e7 })!;
      const maxBodyBytes = parseNumber('--max-body-bytes', o.maxBodyBytes, { integer: true, min: 1, max: 2 ** 30 })!;
      const token = tokenFromEnv(o.tokenEnv);
      const logger = createLogger();
      const served = await loadServedEnv(o.env, { data: o.data, split: o.split, onProgress: (m) => logger.info(m) });
      const server = await startEnvServer({ served, host, port, token, maxInstances, idleTimeoutS, maxBodyBytes, logger, names: { host: '--host', port: '--port' } });
      process.stdout.write(`serving ${served.name} (${served.games} games) at ${server.url}: AgentGym routes at /, epo routes at /v1/envs\n`);
      await new Promise<void>((resolve) => {
        const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); void server.close().then(resolve); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
