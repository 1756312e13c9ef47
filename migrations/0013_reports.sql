-- Content reports (POST /rooms/{roomId}/report/{eventId} and /rooms/{roomId}/report) kept for the
-- server admins. A record written by routes, not a read model: replay does not touch it.
CREATE TABLE reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- event | room
  kind TEXT NOT NULL,
  room_id TEXT NOT NULL,
  -- NULL for a room report.
  event_id TEXT,
  reporter TEXT NOT NULL,
  reason TEXT,
  -- The legacy score (-100 most offensive .. 0 inoffensive), when given.
  score INTEGER,
  received_ts INTEGER NOT NULL
);
CREATE INDEX reports_by_time ON reports (received_ts);
CREATE INDEX reports_by_room ON reports (room_id, received_ts);
