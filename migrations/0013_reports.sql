-- Content reports (POST /rooms/{roomId}/report/{eventId}, /rooms/{roomId}/report and
-- /users/{userId}/report) kept for the server admins. A record written by routes, not a read model:
-- replay does not touch it.
CREATE TABLE reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- event | room | user
  kind TEXT NOT NULL,
  -- NULL for a user report.
  room_id TEXT,
  -- Only for an event report.
  event_id TEXT,
  -- Only for a user report.
  target_user_id TEXT,
  reporter TEXT NOT NULL,
  reason TEXT,
  -- The legacy score (-100 most offensive .. 0 inoffensive), when given.
  score INTEGER,
  received_ts INTEGER NOT NULL
);
CREATE INDEX reports_by_time ON reports (received_ts);
CREATE INDEX reports_by_room ON reports (room_id, received_ts);
