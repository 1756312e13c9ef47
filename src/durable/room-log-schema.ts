// The room DO's SQLite schema: the event log, state groups, current state, extremities, transaction IDs, outbox, annotation index.

/**
 * Bumped when a statement below changes; stored in room_meta so a DO written by an older version
 * is upgraded in place. 2: the `annotations` index, filled from the log on upgrade.
 */
export const ROOM_SCHEMA_VERSION = 2;

export const ROOM_LOG_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS room_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // The log: one row per appended event with its decision. seq is dense and 1-based.
  `CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    event_json TEXT NOT NULL,
    status TEXT NOT NULL,
    rule TEXT,
    state_delta_json TEXT NOT NULL,
    state_before_group INTEGER NOT NULL,
    state_after_group INTEGER NOT NULL,
    txn_user TEXT,
    txn_device TEXT,
    txn_id TEXT,
    appended_ts INTEGER NOT NULL
  )`,
  // State groups: a state is its parent's plus these entries (event_id NULL removes a key); parent NULL is a snapshot.
  `CREATE TABLE IF NOT EXISTS state_groups (id INTEGER PRIMARY KEY, parent INTEGER, chain INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS state_group_entries (
    group_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    state_key TEXT NOT NULL,
    event_id TEXT,
    PRIMARY KEY (group_id, type, state_key)
  ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS current_state (
    type TEXT NOT NULL,
    state_key TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (type, state_key)
  ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS forward_extremities (event_id TEXT PRIMARY KEY) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS txn_ids (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    txn_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
  ) WITHOUT ROWID`,
  // Entries appended but not yet acknowledged by the queue; the alarm retries them.
  `CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, message_json TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)`,
  // Since version 2: the accepted annotations no applicable redaction has taken back (duplicate-annotation rule).
  `CREATE TABLE IF NOT EXISTS annotations (
    event_id TEXT PRIMARY KEY,
    relates_to TEXT NOT NULL,
    sender TEXT NOT NULL,
    type TEXT NOT NULL,
    key TEXT NOT NULL
  ) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS annotations_by_key ON annotations (relates_to, sender, type, key)`,
];

/** What the store must do after the schema is applied to a DO that already held a log. */
export interface SchemaUpgrade {
  /** The log predates the annotation index (version 1): fill it from the log. */
  readonly fillAnnotations: boolean;
}

/**
 * Creates missing tables and records the current version. Run inside one transaction with the
 * upgrade steps it asks for, so a DO is never left at the new version with an unfilled index.
 */
export function applyRoomLogSchema(sql: SqlStorage): SchemaUpgrade {
  for (const statement of ROOM_LOG_SCHEMA) sql.exec(statement);
  const stored = sql.exec<{ value: string }>(`SELECT value FROM room_meta WHERE key = 'schema_version'`).toArray()[0]?.value;
  const version = stored !== undefined && /^[0-9]+$/.test(stored) ? Number(stored) : 0;
  const hasLog = sql.exec<{ n: number }>(`SELECT EXISTS (SELECT 1 FROM events) AS n`).one().n === 1;
  sql.exec(
    `INSERT INTO room_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    String(Math.max(version, ROOM_SCHEMA_VERSION)),
  );
  return { fillAnnotations: hasLog && version < 2 };
}
