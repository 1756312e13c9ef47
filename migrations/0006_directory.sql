-- Room aliases and the published room directory.
-- These are records, not projections: no room log stands behind an alias or a room's directory
-- visibility (the spec keeps both outside the room's state), so `npm run replay` keeps them.

-- This server's aliases (`#localpart:our.server`), each naming one room. `creator` may delete it
-- without any power in the room (spec: "deleted by their creator").
CREATE TABLE room_aliases (
  alias TEXT NOT NULL PRIMARY KEY,
  room_id TEXT NOT NULL,
  creator TEXT NOT NULL,
  created_ts INTEGER NOT NULL
);
CREATE INDEX room_aliases_by_room ON room_aliases (room_id);

-- A room's visibility in the published room directory. No row: private (the spec's default).
CREATE TABLE room_directory (
  room_id TEXT NOT NULL PRIMARY KEY,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
  updated_ts INTEGER NOT NULL
);
CREATE INDEX room_directory_public ON room_directory (visibility, room_id);
