-- Rooms a user has forgotten (POST /rooms/{roomId}/forget). A record, not a projection: no room log
-- holds it, so `npm run replay` keeps it. It names the membership event the user had when forgetting
-- (an event ID, stable across replays); a later join, invite or knock in that room ends the
-- forgetting without touching this row (see src/readmodels/forgotten-rooms.ts).
CREATE TABLE forgotten_rooms (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  membership_event_id TEXT NOT NULL,
  forgotten_ts INTEGER NOT NULL,
  PRIMARY KEY (user_id, room_id)
);
