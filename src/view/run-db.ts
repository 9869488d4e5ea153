/**
 * Read connections to run stores for the viewer. A store written by an older epo is first brought to the current
 * schema through `RunStore` (that adds the fact columns and indices pages query; no episode changes), then read
 * through a connection that refuses writes (`query_only`). Connections are kept per store and closed together.
 */
import Database from 'better-sqlite3';
import { migrations } from '../store/migrations.js';
import { RunStore } from '../store/run-store.js';
import { EpoError } from '../core/errors.js';
import { registerWeightFunction } from './weights-sql.js';

export type Db = Database.Database;

export class RunConnections {
  private readonly open = new Map<string, Db>();

  get(store: string): Db {
    let db = this.open.get(store);
    if (db) return db;
    try {
      db = new Database(store, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      if ((db.pragma('user_version', { simple: true }) as number) < migrations.length) {
        db.close();
        RunStore.open(store).close();
        db = new Database(store, { fileMustExist: true });
        db.pragma('busy_timeout = 5000');
      }
      db.pragma('query_only = ON');
      registerWeightFunction(db);
    } catch (e) {
      db?.close();
      if (e instanceof EpoError) throw e;
      throw new EpoError('STORE', `cannot read the run store: ${(e as Error).message}`, { where: store, cause: e });
    }
    this.open.set(store, db);
    return db;
  }

  closeAll(): void {
    for (const db of this.open.values()) db.close();
    this.open.clear();
  }
}
