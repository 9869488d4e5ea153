/**
 * The run store: one SQLite file per run (WAL mode). A finished episode is written in one transaction, so a crash
 * leaves every finished episode intact and no half-written one. Resume reads the finished ids and skips them.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Episode } from '../core/episode.js';
import type { Label } from '../core/label.js';
import { EpoError } from '../core/errors.js';
import { decodeEpisode, encodeEpisode } from './codec.js';
import { migrations } from './migrations.js';

export class RunStore {
  readonly path: string;
  private readonly db: Database.Database;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  static open(path: string): RunStore {
    mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (e) {
      throw new EpoError('STORE', `cannot open run store: ${(e as Error).message}`, { where: path, cause: e });
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const store = new RunStore(path, db);
    store.migrate();
    return store;
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new EpoError('STORE', `run store has schema version ${current}, newer than this code knows (${migrations.length}); upgrade epo`, { where: this.path });
    }
    for (let v = current; v < migrations.length; v++) {
      this.db.transaction(() => {
        this.db.exec(migrations[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  setMeta(key: string, value: unknown): void {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }

  getMeta<T = unknown>(key: string): T | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** Every meta record of the run (key → value). */
  allMeta(): Record<string, unknown> {
    const rows = this.db.prepare('SELECT key, value FROM meta ORDER BY key').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]));
  }

  /** Write (or replace) one finished episode atomically. */
  putEpisode(e: Episode): void {
    this.db.prepare(`INSERT OR REPLACE INTO episodes
      (id, run, env, task_id, trial, seed, reward, success, reason, turns, finished_at, data)
      VALUES (@id, @run, @env, @taskId, @trial, @seed, @reward, @success, @reason, @turns, @finishedAt, @data)`)
      .run({
        id: e.id, run: e.run, env: e.env, taskId: e.taskId, trial: e.trial, seed: e.seed,
        reward: e.outcome.reward, success: e.outcome.success ? 1 : 0, reason: e.outcome.reason,
        turns: e.turns.length, finishedAt: e.finishedAt, data: JSON.stringify(encodeEpisode(e)),
      });
  }

  /** Write many episodes in one transaction (imports, merges). */
  putEpisodes(es: Iterable<Episode>): number {
    let n = 0;
    this.db.transaction(() => { for (const e of es) { this.putEpisode(e); n++; } })();
    return n;
  }

  hasEpisode(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM episodes WHERE id = ?').get(id) !== undefined;
  }

  finishedIds(): Set<string> {
    return new Set((this.db.prepare('SELECT id FROM episodes').pluck().all() as string[]));
  }

  getEpisode(id: string): Episode | undefined {
    const row = this.db.prepare('SELECT data FROM episodes WHERE id = ?').pluck().get(id) as string | undefined;
    return row === undefined ? undefined : decodeEpisode(JSON.parse(row));
  }

  /** All episodes in a stable order (task id, then trial). Streams from SQLite. */
  *episodes(): IterableIterator<Episode> {
    for (const data of this.db.prepare('SELECT data FROM episodes ORDER BY task_id, trial').pluck().iterate()) {
      yield decodeEpisode(JSON.parse(data as string));
    }
  }

  countEpisodes(): number {
    return this.db.prepare('SELECT COUNT(*) FROM episodes').pluck().get() as number;
  }

  putLabel(episodeId: string, label: Label): void {
    this.db.prepare(`INSERT INTO labels(episode_id, labeler, created_at, data) VALUES (?, ?, ?, ?)
      ON CONFLICT(episode_id, labeler) DO UPDATE SET created_at = excluded.created_at, data = excluded.data`)
      .run(episodeId, label.labeler, new Date().toISOString(), JSON.stringify(label));
  }

  getLabel(episodeId: string, labeler: string): Label | undefined {
    const row = this.db.prepare('SELECT data FROM labels WHERE episode_id = ? AND labeler = ?').pluck().get(episodeId, labeler) as string | undefined;
    return row === undefined ? undefined : (JSON.parse(row) as Label);
  }

  labelledIds(labeler: string): Set<string> {
    return new Set(this.db.prepare('SELECT episode_id FROM labels WHERE labeler = ?').pluck().all(labeler) as string[]);
  }

  /** Every labeler with at least one label in this run, with its label count. */
  labelers(): { labeler: string; count: number }[] {
    return this.db.prepare('SELECT labeler, COUNT(*) AS count FROM labels GROUP BY labeler ORDER BY labeler').all() as { labeler: string; count: number }[];
  }

  putDataset(name: string, record: Record<string, unknown>): void {
    this.db.prepare('INSERT OR REPLACE INTO datasets(name, created_at, data) VALUES (?, ?, ?)')
      .run(name, new Date().toISOString(), JSON.stringify(record));
  }

  close(): void {
    this.db.close();
  }
}
