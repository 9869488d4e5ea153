/**
 * From a spec string to a ready model: parse the spec, build the backend, wrap it with the standard middlewares.
 * The built-in model (`local:`) and named scripted models register their factories here, so this layer never
 * imports them. Order of the wrappers, outermost first:
 *   logging → usage accounting → cache → retry → per-endpoint concurrency limit → backend
 * A cache hit skips the network entirely; each retry attempt takes its own slot, so a request sleeping on a
 * Retry-After leaves room for others.
 */
import { EpoError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ResponseCache } from './cache.js';
import { limitConcurrency } from './limit.js';
import { logCalls } from './logging.js';
import { wrap, type ChatModel, type Middleware } from './model.js';
import { createScriptedModel } from './named-scripts.js';
import { openAIModel, openAIOptionsFromSpec } from './openai.js';
import { retry, type RetryOptions } from './retry.js';
import { parseModelSpec, publicSpec, type ModelSpec } from './spec.js';
import type { UsageMeter } from './usage.js';

export type BackendFactory<K extends 'local' | 'scripted'> = (spec: Extract<ModelSpec, { kind: K }>, specString: string) => ChatModel;

const backends: { local?: BackendFactory<'local'>; scripted?: BackendFactory<'scripted'> } = {
  scripted: (s, spec) => createScriptedModel(s.name, s.options, spec),
};

/** Plug in the backend of `local:` specs (the built-in model) or replace the one of `scripted:` specs. */
export function registerBackend<K extends 'local' | 'scripted'>(kind: K, factory: BackendFactory<K>): void {
  (backends as Record<string, unknown>)[kind] = factory;
}

export const DEFAULT_CONCURRENCY = 8;

export interface CreateModelOptions {
  /** Retry policy for HTTP backends; false turns retries off. The spec option `retries=N` overrides the count. */
  retry?: RetryOptions | false;
  /** In-flight bound per base URL for HTTP backends (default 8; spec option `concurrency=N`); false: unbounded. */
  concurrency?: number | false;
  /** A response cache to consult (deterministic requests only). */
  cache?: ResponseCache;
  /** Account tokens and cost under this role. */
  usage?: { meter: UsageMeter; role: string };
  /** Log every call (debug) and failure (warn). */
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

function positiveInt(value: string | undefined, name: string, spec: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new EpoError('BAD_SPEC', `${name} must be a whole number ≥ 0, got "${value}"`, { where: `model spec ${publicSpec(spec)}` });
  return n;
}

/** The bare backend for a spec, without middlewares. */
export function createBackend(spec: string, env: NodeJS.ProcessEnv = process.env): ChatModel {
  const s = parseModelSpec(spec);
  switch (s.kind) {
    case 'openai':
    case 'http':
      return openAIModel(openAIOptionsFromSpec(s, spec.trim(), env));
    case 'local': {
      const f = backends.local;
      if (!f) throw new EpoError('BAD_SPEC', 'local: the built-in model backend is not registered (the CLI registers it; in code, call registerBackend("local", ...))', { where: `model spec ${publicSpec(spec)}` });
      return f(s, spec.trim());
    }
    case 'scripted': {
      const f = backends.scripted;
      if (!f) throw new EpoError('BAD_SPEC', 'scripted: no scripted backend is registered', { where: `model spec ${publicSpec(spec)}` });
      return f(s, spec.trim());
    }
  }
}

export function createModel(spec: string, opts: CreateModelOptions = {}): ChatModel {
  const parsed = parseModelSpec(spec);
  const backend = createBackend(spec, opts.env);
  const remote = parsed.kind === 'openai' || parsed.kind === 'http';
  const mws: Middleware[] = [];
  if (opts.logger) mws.push(logCalls(opts.logger));
  if (opts.usage) mws.push(opts.usage.meter.middleware(opts.usage.role));
  if (opts.cache) mws.push(opts.cache.middleware);
  if (remote) {
    const retries = positiveInt(parsed.options.retries, 'retries', spec);
    if (opts.retry !== false && retries !== 0) {
      const onRetry: RetryOptions['onRetry'] = opts.logger
        ? (i) => opts.logger!.info('retrying model call', { model: publicSpec(spec), attempt: i.attempt, delayMs: i.delayMs, error: i.error.message })
        : undefined;
      mws.push(retry({ onRetry, ...(opts.retry || {}), ...(retries !== undefined ? { retries } : {}) }));
    }
    const limit = positiveInt(parsed.options.concurrency, 'concurrency', spec) ?? (opts.concurrency === false ? undefined : opts.concurrency ?? DEFAULT_CONCURRENCY);
    if (limit) mws.push(limitConcurrency(limit, parsed.baseURL));
  }
  return wrap(backend, ...mws);
}
