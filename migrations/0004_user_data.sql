-- Per-user data clients store on the server: sync filters and account data (global, per room, m.tag).
-- These are records, not projections: no room log stands behind them, so `npm run replay` keeps them.

-- Uploaded filter definitions. The ID is what clients send back (decimal, never starting with `{`);
-- an identical definition uploaded again by the same user gets its old ID, so clients that upload
-- their filter at every start do not grow the table.
CREATE TABLE user_filters (
  filter_id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  -- The definition as uploaded, in canonical JSON.
  filter_json TEXT NOT NULL,
  UNIQUE (user_id, filter_json)
);

-- The latest content of each (user, room, type); room_id '' is global account data. Every write
-- replaces the row, so it takes a fresh AUTOINCREMENT stream_pos: the account-data stream of sync
-- tokens. With SQLite's single writer a committed position has no uncommitted one below it, and
-- the newest change is always MAX(stream_pos).
CREATE TABLE account_data (
  stream_pos INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  UNIQUE (user_id, room_id, type)
);
CREATE INDEX account_data_by_user ON account_data (user_id, stream_pos);
