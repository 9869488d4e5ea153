/**
 * Response cache in its own SQLite file, keyed by a SHA-256 of the canonical request. Only deterministic requests
 * are cached (temperature 0, or a fixed seed): sampling at temperature 0.7 must give fresh answers each call.
 * Re-running a stage (labelling again, an evaluation after a crash) then costs nothing for calls already made.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EpoError } from '../core/errors.js';
import type { CompletionRequest, CompletionResult, Middleware } from './model.js';

export interface CacheStats {
  hits: number;
  misses: number;
  /** Requests not eligible (sampling without a seed, or cache switched off). */
  skipped: number;
  writes: number;
}

/** `EPO_LLM_CACHE`, else `<XDG_CACHE_HOME or ~/.cache>/epo/llm-cache.sqlite`. */
export function defaultCachePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EPO_LLM_CACHE) return resolve(env.EPO_LLM_CACHE);
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'epo', 'llm-cache.sqlite');
}

/** Deterministic requests only: greedy decoding or a fixed seed. */
export const isCacheable = (req: CompletionRequest): boolean => req.temperature === 0 || req.seed !== undefined;

/** JSON with sorted object keys and no undefined fields, so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]).filter(([, x]) => x !== undefined));
    }
    return v;
  });
}

export function cacheKey(spec: string, req: CompletionRequest): string {
  const { messages, temperature, topP, maxTokens, stop, seed, jsonSchema } = req;
  const canonical = canonicalJson({ spec, messages: messages.map((m) => ({ role: m.role, content: m.content })), temperature, topP, maxTokens, stop, seed, jsonSchema });
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ResponseCacheOptions {
  /** SQLite file (default defaultCachePath()). */
  path?: string;
  /** false: pass every request through and count it as skipped. */
  enabled?: boolean;
}

export class ResponseCache {
  readonly path: string;
  enabled: boolean;
  readonly stats: CacheStats = { hits: 0, misses: 0, skipped: 0, writes: 0 };
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  /** Requests being answered now: an identical request waits for that answer instead of asking again. */
  private readonly inflight = new Map<string, Promise<CompletionResult>>();

  constructor(opts: ResponseCacheOptions = {}) {
    this.path = opts.path ?? defaultCachePath();
    this.enabled = opts.enabled ?? true;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.db = new Database(this.path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(`CREATE TABLE IF NOT EXISTS completions (
        key TEXT PRIMARY KEY, spec TEXT NOT NULL, created_at TEXT NOT NULL, result TEXT NOT NULL)`);
    } catch (e) {
      throw new EpoError('STORE', `cannot open the LLM response cache: ${(e as Error).message}`, { where: this.path, cause: e });
    }
    this.getStmt = this.db.prepare('SELECT result FROM completions WHERE key = ?').pluck();
    this.putStmt = this.db.prepare('INSERT OR REPLACE INTO completions(key, spec, created_at, result) VALUES (?, ?, ?, ?)');
  }

  get(key: string): CompletionResult | undefined {
    const row = this.getStmt.get(key) as string | undefined;
    return row === undefined ? undefined : (JSON.parse(row) as CompletionResult);
  }

  put(key: string, spec: string, result: CompletionResult): void {
    const { cached: _c, costUsd: _u, ...stored } = result;
    this.putStmt.run(key, spec, new Date().toISOString(), JSON.stringify(stored));
    this.stats.writes++;
  }

  size(): number {
    return this.db.prepare('SELECT COUNT(*) FROM completions').pluck().get() as number;
  }

  readonly middleware: Middleware = {
    wrapComplete: async (req, next, model) => {
      if (!this.enabled || !isCacheable(req)) {
        this.stats.skipped++;
        return next(req);
      }
      const key = cacheKey(model.spec, req);
      const hit = this.get(key);
      const pending = this.inflight.get(key);
      if (hit || pending) {
        this.stats.hits++;
        return { ...(hit ?? (await pending!)), cached: true };
      }
      this.stats.misses++;
      const answer = next(req).then((result) => { this.put(key, model.spec, result); return result; });
      this.inflight.set(key, answer);
      try { return await answer; } finally { this.inflight.delete(key); }
    },
    // A hit replays the cached text as one chunk; a miss streams live and is not stored (no usage counts).
    wrapStream: (req, next, model) => {
      const hit = this.enabled && isCacheable(req) ? this.get(cacheKey(model.spec, req)) : undefined;
      if (!hit) return next(req);
      this.stats.hits++;
      return (async function* () { yield hit.text; })();
    },
  };

  close(): void {
    this.db.close();
  }
}
