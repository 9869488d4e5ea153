/**
 * Versioned schema migrations, applied in order inside one transaction each; the version lives in SQLite's
 * `user_version`. Append new migrations; never edit a released one.
 */
/** A schema change, and optionally a best-effort step after it that fills new columns or indices from existing rows:
 *  it reads every row, so on a damaged file it is skipped (the rows it could not fill stay NULL) rather than making
 *  the store unopenable. */
export interface Migration {
  schema: string;
  fill?: string;
}

export const migrations: (string | Migration)[] = [
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
  // 2: per-episode facts that list pages filter and sum on (without decoding episodes), and a covering index over them
  // (the long `data` column is never read for a list or a sum).
  // Rows written by older code are filled from their JSON here; the store fills them on every write from now on.
  {
    schema: `
  ALTER TABLE episodes ADD COLUMN task_type TEXT;
  ALTER TABLE episodes ADD COLUMN prompt_tokens INTEGER;
  ALTER TABLE episodes ADD COLUMN completion_tokens INTEGER;
  ALTER TABLE episodes ADD COLUMN cost_usd REAL;
  `,
    fill: `
  UPDATE episodes SET
    task_type = CASE WHEN json_type(data, '$.task.type') = 'text' AND json_extract(data, '$.task.type') <> '' THEN json_extract(data, '$.task.type') END,
    prompt_tokens = (SELECT COALESCE(SUM(COALESCE(json_extract(t.value, '$.strategist.usage.promptTokens'), 0) + COALESCE(json_extract(t.value, '$.actor.usage.promptTokens'), 0)), 0) FROM json_each(episodes.data, '$.turns') t),
    completion_tokens = (SELECT COALESCE(SUM(COALESCE(json_extract(t.value, '$.strategist.usage.completionTokens'), 0) + COALESCE(json_extract(t.value, '$.actor.usage.completionTokens'), 0)), 0) FROM json_each(episodes.data, '$.turns') t),
    cost_usd = (SELECT COALESCE(SUM(COALESCE(json_extract(t.value, '$.strategist.usage.costUsd'), 0) + COALESCE(json_extract(t.value, '$.actor.usage.costUsd'), 0)), 0) FROM json_each(episodes.data, '$.turns') t)
  WHERE json_valid(data);
  CREATE INDEX episodes_facts ON episodes(task_id, trial, id, success, reward, reason, turns, task_type, prompt_tokens, completion_tokens, cost_usd, finished_at);
  `,
  },
];
