-- Other servers' signing keys, as fetched from their /_matrix/key/v2/server and verified.
-- A cache, not a read model (replay does not touch it) and not a record: every row can be fetched
-- again. Kept in D1 so that every isolate shares it and a notary can answer for offline servers.

-- One row per key a server has published; a key seen later under old_verify_keys gets expired_ts.
CREATE TABLE remote_server_keys (
  server_name TEXT NOT NULL,
  key_id TEXT NOT NULL,
  public_key_b64 TEXT NOT NULL,
  -- NULL: the key was in verify_keys of the latest response that listed it (usable for requests);
  -- set: it was in old_verify_keys, valid only for events signed before this time.
  expired_ts INTEGER,
  -- The response's valid_until_ts, capped at fetched_ts + 7 days (spec: the lesser of the two).
  valid_until_ts INTEGER NOT NULL,
  fetched_ts INTEGER NOT NULL,
  PRIMARY KEY (server_name, key_id)
) WITHOUT ROWID;

-- The latest verified response per server, as received (signatures included): the notary serves it
-- with its own signature added.
CREATE TABLE remote_server_key_responses (
  server_name TEXT PRIMARY KEY,
  response_json TEXT NOT NULL,
  -- Capped like remote_server_keys.valid_until_ts.
  valid_until_ts INTEGER NOT NULL,
  fetched_ts INTEGER NOT NULL
) WITHOUT ROWID;
