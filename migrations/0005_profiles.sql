-- User profiles (displayname, avatar_url and custom fields) of local users.
-- These are records, not projections: no room log holds them, so `npm run replay` keeps them.
-- A user without a row has the default profile: displayname = localpart, no avatar, no fields.

CREATE TABLE profiles (
  user_id TEXT NOT NULL PRIMARY KEY,
  -- NULL: the field is not set (GET /profile omits it).
  displayname TEXT,
  avatar_url TEXT,
  -- Custom fields (spec v1.16) as one JSON object; keys follow the namespaced grammar.
  fields TEXT NOT NULL DEFAULT '{}',
  -- Bumped by every write: writers compare-and-set on it, so concurrent edits of different
  -- fields never overwrite each other and the 64 KiB total is checked on what is stored.
  version INTEGER NOT NULL DEFAULT 0,
  updated_ts INTEGER NOT NULL
);
