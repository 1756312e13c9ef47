-- End-to-end encryption keys (spec "End-to-end encryption": device keys, one-time keys, fallback
-- keys, cross-signing keys and their signatures) and the device-list change stream.
-- These are records written by the /keys routes, NOT read models: replay leaves them alone.

-- The device_keys object a device uploaded, as sent (signatures included). One per device.
CREATE TABLE e2e_device_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

-- Unclaimed one-time keys. `key_id` is the part after `algorithm:`; a claim deletes the row.
CREATE TABLE e2e_one_time_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id, algorithm, key_id)
);

-- The one fallback key per (device, algorithm). `used`: claimed since it was uploaded.
CREATE TABLE e2e_fallback_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, device_id, algorithm)
);

-- A user's cross-signing keys: `key_type` is master | self_signing | user_signing; `public_key`
-- is the unpadded base64 ed25519 key (the key's ID after `ed25519:`), which signatures name.
CREATE TABLE e2e_cross_signing_keys (
  user_id TEXT NOT NULL,
  key_type TEXT NOT NULL,
  public_key TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, key_type)
);

-- Signatures uploaded through /keys/signatures/upload, merged into the signed key when queried.
-- `target_key_id` is a device ID or a cross-signing public key of `target_user_id`.
CREATE TABLE e2e_key_signatures (
  target_user_id TEXT NOT NULL,
  target_key_id TEXT NOT NULL,
  signer_user_id TEXT NOT NULL,
  signer_key_id TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (target_user_id, target_key_id, signer_user_id, signer_key_id)
);

-- The device-list stream: one row per change of a user's devices or cross-signing keys. The
-- position (AUTOINCREMENT, never reused) is the `device_lists` part of sync tokens.
CREATE TABLE device_list_changes (
  stream_pos INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL
);
CREATE INDEX device_list_changes_by_user ON device_list_changes (user_id, stream_pos);
