-- Full-text search over room events (POST /search, category room_events), projected from the room logs.
-- Rebuilt by `npm run replay` like the other read models.

-- One row per searchable event: m.room.message (content.body), m.room.name (content.name),
-- m.room.topic (content.topic and the text/plain body of content["m.topic"]). The rowid is the
-- event's `events.stream_pos`, so a redaction removes the row by rowid without scanning the index.
-- `event_id` is kept beside it so a row left over from before a replay (positions restart there)
-- never joins to another event.
CREATE VIRTUAL TABLE event_search USING fts5(
  body,
  -- content.body | content.name | content.topic: the spec's `keys` values.
  key UNINDEXED,
  event_id UNINDEXED,
  room_id UNINDEXED,
  tokenize = 'unicode61 remove_diacritics 2'
);
