/**
 * The run store: one SQLite file per run (WAL mode). A finished episode is written in one transaction, so a crash
 * leaves every finished episode intact and no half-written one. Resume reads the finished ids and skips them.
 * Adding an episode never overwrites one: replacing is its own call, and drops the replaced episode's labels.
 * A damaged store fails with errors that name the file and the episode or record; readers that can go on past a
 * damaged episode take a callback, are told about it and get the others.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Episode } from '../core/episode.js';
import type { Label } from '../core/label.js';
import { EpoError } from '../core/errors.js';
import { decodeEpisode, encodeEpisode } from './codec.js';
import { episodeFacts } from './episode-facts.js';
import { episodeShapeProblem } from './episode-shape.js';
import { migrations } from './migrations.js';

/** An episode that could not be read back: its id and why. */
export interface DamagedEpisode {
  id: string;
  error: string;
}

export type OnDamaged = (d: DamagedEpisode) => void;

const sqliteCode = (e: unknown) => (e as { code?: unknown }).code;
const isDamage = (e: unknown) => sqliteCode(e) === 'SQLITE_CORRUPT' || sqliteCode(e) === 'SQLITE_NOTADB';
/** The short reason of a read error, without the file name (the caller names the store once). */
export const reasonOf = (e: unknown) => (e instanceof EpoError && typeof e.details?.reason === 'string' ? e.details.reason : (e as Error).message);

export class RunStore {
  readonly path: string;
  private readonly db: Database.Database;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  static open(path: string): RunStore {
    mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      const store = new RunStore(path, db);
      store.migrate();
      return store;
    } catch (e) {
      db?.close();
      if (e instanceof EpoError) throw e;
      throw new EpoError('STORE', `cannot open run store: ${(e as Error).message}${isDamage(e) ? '; the file is damaged (see `epo runs check`)' : ''}`, { where: path, cause: e });
    }
  }

  /** Run one store operation; SQLite errors become STORE errors naming this file (and the episode or record). */
  private guard<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof EpoError) throw e;
      const damaged = isDamage(e) ? '; the file is damaged: `epo runs check` tells what can be saved' : '';
      throw new EpoError('STORE', `cannot ${what}: ${(e as Error).message}${damaged}`, { where: this.path, cause: e });
    }
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new EpoError('STORE', `run store has schema version ${current}, newer than this code knows (${migrations.length}); upgrade epo`, { where: this.path });
    }
    for (let v = current; v < migrations.length; v++) {
      const m = migrations[v];
      const { schema, fill } = typeof m === 'string' ? { schema: m, fill: undefined } : m;
      this.db.transaction(() => {
        this.db.exec(schema);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
      if (fill) {
        try {
          this.db.transaction(() => this.db.exec(fill))();
        } catch (e) {
          if (!isDamage(e)) throw e;
          // a damaged file: the old rows keep NULL facts; readers fall back as they do for damaged rows
        }
      }
    }
  }

  private parseRecord<T>(text: string, what: string): T {
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      const reason = `is damaged (${(e as Error).message})`;
      throw new EpoError('STORE', `${what} ${reason}; \`epo runs check\` tells what can be saved`, { where: this.path, cause: e, details: { reason } });
    }
  }

  setMeta(key: string, value: unknown): void {
    this.guard(`write the ${key} record`, () => this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value)));
  }

  getMeta<T = unknown>(key: string): T | undefined {
    const row = this.guard(`read the ${key} record`, () => this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined);
    return row ? this.parseRecord<T>(row.value, `the run's ${key} record`) : undefined;
  }

  /** The keys of the run's meta records. */
  metaKeys(): string[] {
    return this.guard('list the run records', () => this.db.prepare('SELECT key FROM meta ORDER BY key').pluck().all() as string[]);
  }

  /** Every meta record of the run (key → value). */
  allMeta(): Record<string, unknown> {
    const rows = this.guard('read the run records', () => this.db.prepare('SELECT key, value FROM meta ORDER BY key').all() as { key: string; value: string }[]);
    return Object.fromEntries(rows.map((r) => [r.key, this.parseRecord(r.value, `the run's ${r.key} record`)]));
  }

  private insert(e: Episode, verb: 'INSERT' | 'INSERT OR REPLACE'): void {
    this.stmt(`${verb} INTO episodes
      (id, run, env, task_id, trial, seed, reward, success, reason, turns, finished_at, data, task_type, prompt_tokens, completion_tokens, cost_usd)
      VALUES (@id, @run, @env, @taskId, @trial, @seed, @reward, @success, @reason, @turns, @finishedAt, @data, @taskType, @promptTokens, @completionTokens, @costUsd)`)
      .run({
        ...episodeFacts(e),
        id: e.id, run: e.run, env: e.env, taskId: e.taskId, trial: e.trial, seed: e.seed,
        reward: e.outcome.reward, success: e.outcome.success ? 1 : 0, reason: e.outcome.reason,
        turns: e.turns.length, finishedAt: e.finishedAt, data: JSON.stringify(encodeEpisode(e)),
      });
  }

  /** Add one finished episode atomically. An id already stored is an error: replacing is `replaceEpisode`. */
  putEpisode(e: Episode): void {
    this.guard(`store episode ${e.id}`, () => {
      try {
        this.insert(e, 'INSERT');
      } catch (err) {
        if (sqliteCode(err) !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err;
        throw new EpoError('STORE', `episode ${e.id} is already stored; it is not overwritten`, { where: `${this.path} (episode ${e.id})` });
      }
    });
  }

  /**
   * Write an episode over the stored one with its id (or add it). The old episode's labels are deleted with it
   * (they describe turns that are gone); returns how many, so the caller can say so.
   */
  replaceEpisode(e: Episode): { labelsDropped: number } {
    return this.guard(`replace episode ${e.id}`, () => this.db.transaction(() => {
      const labelsDropped = this.db.prepare('DELETE FROM labels WHERE episode_id = ?').run(e.id).changes;
      this.insert(e, 'INSERT OR REPLACE');
      return { labelsDropped };
    })());
  }

  /** Add many episodes in one transaction (all or none); none of their ids may be stored already. */
  putEpisodes(es: Iterable<Episode>): number {
    let n = 0;
    this.guard('store episodes', () => this.db.transaction(() => { for (const e of es) { this.putEpisode(e); n++; } })());
    return n;
  }

  /** Run `fn` (which may await) as one write transaction: everything it writes is kept, or nothing if it throws. */
  async atomically<T>(fn: () => Promise<T>): Promise<T> {
    this.guard('start a transaction', () => this.db.exec('BEGIN IMMEDIATE'));
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
    this.guard('commit', () => this.db.exec('COMMIT'));
    return result;
  }

  hasEpisode(id: string): boolean {
    return this.guard(`look up episode ${id}`, () => this.db.prepare('SELECT 1 FROM episodes WHERE id = ?').get(id) !== undefined);
  }

  finishedIds(): Set<string> {
    return new Set(this.episodeIds());
  }

  private readonly statements = new Map<string, Database.Statement>();
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, st = this.db.prepare(sql));
    return st;
  }

  /** Decode one stored row; throws a STORE error naming the file and the episode when it cannot be read. */
  private readEpisode(id: string): Episode | undefined {
    const damaged = (reason: string, cause?: unknown) => new EpoError('STORE', `episode ${id} ${reason}; \`epo runs check\` tells what can be saved`,
      { where: `${this.path}, episode ${id}`, cause, details: { reason } });
    let text: string | undefined;
    try {
      text = this.stmt('SELECT data FROM episodes WHERE id = ?').pluck().get(id) as string | undefined;
    } catch (e) {
      throw damaged(`cannot be read (${(e as Error).message})`, e);
    }
    if (text === undefined) return undefined;
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch (e) {
      throw damaged(`is damaged: its JSON does not parse (${(e as Error).message})`, e);
    }
    const problem = episodeShapeProblem(stored, { stored: true });
    if (problem) throw damaged(`is damaged: ${problem.message}`);
    try {
      return decodeEpisode(stored);
    } catch (e) {
      throw damaged(`is damaged: ${(e as Error).message}`, e);
    }
  }

  getEpisode(id: string): Episode | undefined {
    return this.readEpisode(id);
  }

  /**
   * The stored ids in a stable order (task id, then trial). When the table cannot be scanned (a damaged page), the
   * primary-key index gives them instead (in id order), so the readable episodes can still be reached one by one.
   */
  private episodeIds(): string[] {
    try {
      return this.db.prepare('SELECT id FROM episodes ORDER BY task_id, trial').pluck().all() as string[];
    } catch (first) {
      if (!isDamage(first)) return this.guard('list the episodes', () => { throw first; });
      try {
        return this.db.prepare('SELECT id FROM episodes INDEXED BY sqlite_autoindex_episodes_1 ORDER BY id').pluck().all() as string[];
      } catch {
        return this.guard('list the episodes', () => { throw first; });
      }
    }
  }

  /**
   * All episodes in a stable order (task id, then trial). A damaged episode throws (naming the file and the
   * episode) unless `onDamaged` is given: then it is reported there and skipped, and the others are still yielded.
   */
  *episodes(onDamaged?: OnDamaged): IterableIterator<Episode> {
    for (const id of this.episodeIds()) {
      let e: Episode | undefined;
      try {
        e = this.readEpisode(id);
      } catch (err) {
        if (!onDamaged) throw err;
        onDamaged({ id, error: reasonOf(err) });
        continue;
      }
      if (e) yield e;
    }
  }

  countEpisodes(): number {
    return this.guard('count the episodes', () => this.db.prepare('SELECT COUNT(*) FROM episodes').pluck().get() as number);
  }

  putLabel(episodeId: string, label: Label): void {
    this.guard(`store the label of episode ${episodeId}`, () => this.db.prepare(`INSERT INTO labels(episode_id, labeler, created_at, data) VALUES (?, ?, ?, ?)
      ON CONFLICT(episode_id, labeler) DO UPDATE SET created_at = excluded.created_at, data = excluded.data`)
      .run(episodeId, label.labeler, new Date().toISOString(), JSON.stringify(label)));
  }

  getLabel(episodeId: string, labeler: string): Label | undefined {
    const row = this.guard(`read the ${labeler} label of episode ${episodeId}`, () => this.db.prepare('SELECT data FROM labels WHERE episode_id = ? AND labeler = ?').pluck().get(episodeId, labeler) as string | undefined);
    return row === undefined ? undefined : this.parseRecord<Label>(row, `the ${labeler} label of episode ${episodeId}`);
  }

  labelledIds(labeler: string): Set<string> {
    return new Set(this.guard(`list the ${labeler} labels`, () => this.db.prepare('SELECT episode_id FROM labels WHERE labeler = ?').pluck().all(labeler) as string[]));
  }

  /** Every labeler with at least one label in this run, with its label count. */
  labelers(): { labeler: string; count: number }[] {
    return this.guard('list the labels', () => this.db.prepare('SELECT labeler, COUNT(*) AS count FROM labels GROUP BY labeler ORDER BY labeler').all() as { labeler: string; count: number }[]);
  }

  /** How many labels the episodes with these ids have. */
  countLabels(ids: Iterable<string>): number {
    let n = 0;
    this.guard('count labels', () => { for (const id of ids) n += this.stmt('SELECT COUNT(*) FROM labels WHERE episode_id = ?').pluck().get(id) as number; });
    return n;
  }

  /** Every label row, read one by one; an unreadable one is reported through `onDamaged` (id "episode/labeler"). */
  labelRecords(onDamaged: OnDamaged): { episodeId: string; labeler: string }[] {
    const keys = this.guard('list the labels', () => this.db.prepare('SELECT episode_id AS episodeId, labeler FROM labels ORDER BY episode_id, labeler').all() as { episodeId: string; labeler: string }[]);
    return keys.filter((k) => {
      try {
        this.getLabel(k.episodeId, k.labeler);
        return true;
      } catch (e) {
        onDamaged({ id: `${k.episodeId}/${k.labeler}`, error: reasonOf(e) });
        return false;
      }
    });
  }

  /** SQLite's own check of the file: [] when sound, else its findings (or why the check could not finish). */
  integrityProblems(): string[] {
    try {
      const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
      const found = rows.flatMap((r) => r.integrity_check.split('\n')).filter((l) => l && l !== 'ok' && !l.startsWith('*** in database'));
      return found;
    } catch (e) {
      return [`the check stopped: ${(e as Error).message}`];
    }
  }

  putDataset(name: string, record: Record<string, unknown>): void {
    this.guard(`store dataset ${name}`, () => this.db.prepare('INSERT OR REPLACE INTO datasets(name, created_at, data) VALUES (?, ?, ?)')
      .run(name, new Date().toISOString(), JSON.stringify(record)));
  }

  close(): void {
    this.db.close();
  }
}
