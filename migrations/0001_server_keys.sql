-- The server's ed25519 signing keys. Generated on first use and never regenerated; old keys
-- keep their row (expired_ts set) so signatures made with them stay verifiable.
CREATE TABLE server_signing_keys (
  key_id TEXT PRIMARY KEY,
  seed_b64 TEXT NOT NULL,
  public_key_b64 TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  expired_ts INTEGER
);

-- At most one current key: two isolates creating the first key at once cannot both succeed.
CREATE UNIQUE INDEX server_signing_keys_one_current
  ON server_signing_keys ((expired_ts IS NULL))
  WHERE expired_ts IS NULL;
