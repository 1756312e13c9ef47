// The room DO's SQLite schema: the event log, state groups, current state, extremities, transaction IDs, outbox.

/** Bumped when a statement below changes; stored in room_meta so a future change can migrate. */
export const ROOM_SCHEMA_VERSION = 1;

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
];

export function applyRoomLogSchema(sql: SqlStorage): void {
  for (const statement of ROOM_LOG_SCHEMA) sql.exec(statement);
  sql.exec(
    `INSERT INTO room_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING`,
    String(ROOM_SCHEMA_VERSION),
  );
}
