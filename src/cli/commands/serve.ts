/** `epo serve`: put any model (built-in checkpoint, scripted, or another endpoint) behind an OpenAI-compatible API. */
import { tokenFromEnv } from '../shared.js';
import type { Command } from 'commander';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { createModel } from '../../llm/create.js';
import { checkHost, checkPort } from '../../serve/listen.js';
import { publicSpec } from '../../llm/spec.js';
import { servedName, startServer } from '../../serve/openai-server.js';
import { parseNumber } from '../num.js';
import { registerServeEnv } from './serve-env.js';

interface ServeFlags { model?: string; name?: string; host: string; port: string; tokenEnv?: string; maxBodyBytes: string }

export function registerServe(program: Command): void {
  const serve = program.command('serve')
    // `serve env` has its own --host/--port: options after the subcommand's name are the subcommand's.
    .enablePositionalOptions()
    .description('serve a model over the OpenAI chat completions API (POST /v1/chat/completions, GET /v1/models, GET /health)')
    .option('--model <spec>', 'model spec (required): local:<checkpoint dir>, scripted:echo, http://host:port/v1#<model>, openai:<model>')
    .option('--name <name>', 'model name clients send and /v1/models lists (default: from the spec)')
    .option('--host <host>', 'address to bind: an IPv4/IPv6 address or a hostname (use 0.0.0.0 only on a trusted network)', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8000')
    .option('--token-env <VAR>', 'require "Authorization: Bearer <token>" with the token read from this environment variable')
    .option('--max-body-bytes <n>', 'largest request body accepted (bigger ones get 413)', String(4 * 1024 * 1024))
    .action(async (o: ServeFlags) => {
      // Checked here, not by commander: a required option on `serve` would be demanded of `serve env` too.
      if (!o.model) throw new EpoError('BAD_INPUT', "required option '--model <spec>' not specified (or use `epo serve env` to serve an environment)", { where: '--model' });
      const host = checkHost(o.host, '--host');
      const port = checkPort(o.port, '--port');
      const maxBodyBytes = parseNumber('--max-body-bytes', o.maxBodyBytes, { integer: true, min: 1, max: 2 ** 30 })!;
      const token = tokenFromEnv(o.tokenEnv);
      const logger = createLogger();
      const model = createModel(o.model, { logger });
      const name = o.name ?? servedName(o.model);
      // Loads the model before listening: a checkpoint that cannot load stops here, naming --model.
      const server = await startServer({ model, name, host, port, token, maxBodyBytes, logger, names: { host: '--host', port: '--port', model: '--model' } })
        .catch(async (e: unknown) => { await model.close?.(); throw e; });
      process.stdout.write(`serving ${publicSpec(o.model)} as "${name}" at ${server.baseURL} (spec for clients: ${server.baseURL}#${name}${o.tokenEnv ? `?key_env=${o.tokenEnv}` : ''})\n`);
      await new Promise<void>((resolve) => {
        const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); void server.close().then(resolve); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  registerServeEnv(serve);
}
