/**
 * Versioned schema migrations, applied in order inside one transaction each; the version lives in SQLite's
 * `user_version`. Append new migrations; never edit a released one.
 */
export const migrations: string[] = [
  // 1: runs, episodes, labels, datasets
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE episodes (
    id TEXT PRIMARY KEY,
    run TEXT NOT NULL,
    env TEXT NOT NULL,
    task_id TEXT NOT NULL,
    trial INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    reward REAL NOT NULL,
    success INTEGER NOT NULL,
    reason TEXT NOT NULL,
    turns INTEGER NOT NULL,
    finished_at TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX episodes_task ON episodes(task_id);
  CREATE TABLE labels (
    episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    labeler TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (episode_id, labeler)
  );
  CREATE TABLE datasets (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
  );
  `,
];
