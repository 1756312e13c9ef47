-- Per-user data of the ephemeral modules: read receipts and presence (typing lives in the Typing DO).
-- These are records written by routes, not projections: no room log holds them, so `npm run
-- replay` keeps them (and they are never replayed to clients: /sync sends what changed since a
-- client's token, nothing more).

-- The one receipt of each (room, user, type, thread): a receipt replaces the row, taking a fresh
-- AUTOINCREMENT stream_pos, the receipt stream of sync tokens (with SQLite's single writer a
-- committed position has no uncommitted one below it, and the newest change is MAX(stream_pos)).
-- thread_id '' is an unthreaded receipt; 'main' or a thread root's event ID a threaded one.
-- receipt_type is m.read or m.read.private (m.fully_read is room account data).
CREATE TABLE receipts (
  stream_pos INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  receipt_type TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  UNIQUE (room_id, user_id, receipt_type, thread_id)
);
CREATE INDEX receipts_by_room ON receipts (room_id, stream_pos);

-- Each user's presence as last set (PUT /presence or /sync's set_presence). A change replaces the
-- row, taking a fresh stream_pos (the presence stream); last_active_ts alone may be bumped in
-- place, without a new position, while the user stays currently active.
CREATE TABLE presence (
  stream_pos INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL UNIQUE,
  -- online | unavailable | offline
  state TEXT NOT NULL,
  status_msg TEXT,
  last_active_ts INTEGER NOT NULL
);
