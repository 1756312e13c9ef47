-- Read models projected from the room logs by the queue consumer (src/projections/).
-- Everything here except `rooms` and `projection_dead_letters` is rebuilt by `npm run replay`.

-- Every room whose log the projection has seen: the list replay walks. Not dropped by replay.
CREATE TABLE rooms (
  room_id TEXT NOT NULL PRIMARY KEY,
  room_version TEXT NOT NULL
);

-- How far each room's log has been applied: entry `seq` is applied only when this is `seq - 1`.
CREATE TABLE room_checkpoints (
  room_id TEXT NOT NULL PRIMARY KEY,
  seq INTEGER NOT NULL
);

-- Every log entry, in projection order. AUTOINCREMENT: a position is never reused, and with
-- SQLite's single writer a committed position has no uncommitted one below it, so sync tokens
-- can be positions of this table.
CREATE TABLE events (
  stream_pos INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  -- NULL for non-state events.
  state_key TEXT,
  sender TEXT NOT NULL,
  origin_server_ts INTEGER NOT NULL,
  -- accepted | soft_failed | rejected | outlier: only accepted events reach clients.
  status TEXT NOT NULL,
  -- The PDU as logged, without `unsigned`.
  event_json TEXT NOT NULL,
  -- The state event this one replaced (for `unsigned.prev_content`).
  replaces_event_id TEXT,
  txn_user_id TEXT,
  txn_device_id TEXT,
  txn_id TEXT,
  -- The redaction event applied to this event, if any.
  redacted_because TEXT
);
CREATE INDEX events_by_room ON events (room_id, stream_pos);

-- Redaction events seen, kept so a redaction that arrives before its target still applies.
CREATE TABLE redactions (
  redaction_id TEXT NOT NULL PRIMARY KEY,
  room_id TEXT NOT NULL,
  redacts TEXT NOT NULL,
  sender TEXT NOT NULL,
  -- The redactor held the room's `redact` level when the redaction was applied.
  has_power INTEGER NOT NULL
);
CREATE INDEX redactions_by_target ON redactions (redacts);

-- The room's current state, as the log's decisions left it.
CREATE TABLE current_state (
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  membership TEXT,
  stream_pos INTEGER NOT NULL,
  PRIMARY KEY (room_id, type, state_key)
);

-- Every state change by position; event_id NULL: the key left the state. Gives the state at any
-- position (start of a limited timeline, the `since` of an incremental sync).
CREATE TABLE state_changes (
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  stream_pos INTEGER NOT NULL,
  event_id TEXT,
  PRIMARY KEY (room_id, type, state_key, stream_pos)
);
CREATE INDEX state_changes_by_pos ON state_changes (room_id, stream_pos);

-- Each user's membership per room (from current state), with the position it last changed at.
CREATE TABLE memberships (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  membership TEXT NOT NULL,
  event_id TEXT NOT NULL,
  stream_pos INTEGER NOT NULL,
  PRIMARY KEY (user_id, room_id)
);
CREATE INDEX memberships_by_room ON memberships (room_id, membership);

-- `m.relates_to` of accepted, unredacted events.
CREATE TABLE relations (
  event_id TEXT NOT NULL PRIMARY KEY,
  room_id TEXT NOT NULL,
  relates_to TEXT NOT NULL,
  rel_type TEXT NOT NULL,
  type TEXT NOT NULL,
  sender TEXT NOT NULL,
  stream_pos INTEGER NOT NULL
);
CREATE INDEX relations_by_target ON relations (relates_to, rel_type, stream_pos);

-- Queue messages that could not be decoded: acked so they stop blocking, kept here for a human.
CREATE TABLE projection_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL,
  received_ts INTEGER NOT NULL,
  reason TEXT NOT NULL,
  body TEXT NOT NULL
);
