/**
 * `epo proxy`: an OpenAI-compatible server that asks a strategist before every request of any agent, injects its
 * strategy and forwards to the agent's real model; each agent session is stored as an episode of the run (env
 * `proxy`), ready for `epo label`, `epo dataset build` and `epo train`. SIGHUP re-reads the strategists' specs (from
 * --config when given) and hot-swaps them; SIGINT/SIGTERM stop it, storing the sessions still open.
 */
import { tokenFromEnv } from '../shared.js';
import type { Command } from 'commander';
import { proxyConfig } from '../../config/commands/proxy.js';
import { describeError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { createModel } from '../../llm/create.js';
import { publicSpec } from '../../llm/spec.js';
import type { InjectMode } from '../../plugin/inject.js';
import { PROXY_META } from '../../plugin/proxy/run-report.js';
import { startProxy } from '../../plugin/proxy/server.js';
import { upstreamFromSpec } from '../../plugin/proxy/upstream.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';
import { addConfigOptions, commandConfig } from '../config-options.js';

export function registerProxy(program: Command): void {
  const cmd = program.command('proxy')
    .description('put a strategist in front of any agent: an OpenAI-compatible server (POST /v1/chat/completions, GET /v1/models, GET /health, '
      + 'POST /v1/epo/sessions/{id}/outcome, POST /v1/epo/strategist) that injects the strategy into each request, forwards it upstream, '
      + 'and records every session as an episode (docs/proxy.md)');
  addConfigOptions(cmd, proxyConfig).action(async () => {
    const c = commandConfig(cmd, proxyConfig, 'epo proxy');
    if (c.printOnly) return;
    const f = c.config;
    const token = tokenFromEnv(f.tokenEnv);
    const upstream = upstreamFromSpec(f.upstream); // a wrong upstream stops here, before the run folder is made
    const dir = ensureRunDir(f.run);
    const log = createLogger({ file: dir.log }, { run: f.run });
    const store = RunStore.open(dir.store);
    let proxy;
    try {
      store.setMeta(PROXY_META, {
        upstream: publicSpec(f.upstream), strategist: publicSpec(f.strategist), candidate: f.candidate ? publicSpec(f.candidate) : null,
        split: f.split, inject: f.inject, seed: f.seed,
      });
      proxy = await startProxy({
        upstream, strategist: f.strategist, candidate: f.candidate, split: f.split, seed: f.seed,
        load: (spec) => createModel(spec, { logger: log }),
        inject: f.inject as InjectMode, onStrategistError: f.onStrategistError as 'pass' | 'fail',
        strategistTimeoutMs: f.strategistTimeout * 1000, strategistMaxTokens: f.strategistMaxTokens, idleTimeoutMs: f.idleTimeout * 1000,
        host: f.host, port: f.port, token, maxBodyBytes: f.maxBodyBytes, run: f.run, logger: log,
        save: (e) => store.putEpisode(e), stored: (id) => store.hasEpisode(id),
        names: { host: '--host', port: '--port' },
      });
    } catch (e) {
      store.close();
      throw e;
    }
    const running = proxy;
    const arms = running.strategists();
    process.stdout.write(`epo proxy at ${running.baseURL} → ${publicSpec(f.upstream)}; strategist ${arms.A}${arms.B ? `, candidate ${arms.B} (split ${f.split})` : ''}; `
      + `sessions recorded in runs/${f.run} (agents: base URL ${running.baseURL}${f.tokenEnv ? `, key from ${f.tokenEnv}` : ''})\n`);
    const reload = () => {
      // re-read the specs (the config file may name a new checkpoint) and swap them in; a failure keeps the old ones
      void (async () => {
        const now = commandConfig(cmd, proxyConfig, 'epo proxy').config;
        await running.swap(now.strategist, 'A');
        if (now.candidate && running.strategists().B) await running.swap(now.candidate, 'B');
        process.stderr.write(`SIGHUP: strategist ${publicSpec(now.strategist)} loaded\n`);
      })().catch((e: unknown) => process.stderr.write(`SIGHUP: kept the strategist in use: ${describeError(e)}\n`));
    };
    process.on('SIGHUP', reload);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop); process.off('SIGTERM', stop); process.off('SIGHUP', reload);
        process.stderr.write('stopping: open sessions are stored\n');
        void running.close().finally(() => { store.close(); resolve(); });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  });
}
