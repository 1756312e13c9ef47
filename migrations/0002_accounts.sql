-- Accounts, devices, tokens, registration tokens and user-interactive auth sessions.
-- These are records, NOT read models: no room log holds them, so replay cannot rebuild them.
-- Back them up like any primary data. Secrets are never stored: tokens only as sha256 hashes,
-- passwords only as self-describing PBKDF2 hashes.

CREATE TABLE users (
  user_id TEXT NOT NULL PRIMARY KEY,
  -- Lowercased at registration; the UNIQUE index is what makes two concurrent registrations of
  -- one name end with exactly one account.
  localpart TEXT NOT NULL UNIQUE,
  -- `pbkdf2-sha256$<iterations>$<salt>$<hash>`; NULL: the account cannot log in with a password.
  password_hash TEXT,
  is_admin INTEGER NOT NULL DEFAULT 0,
  is_guest INTEGER NOT NULL DEFAULT 0,
  deactivated INTEGER NOT NULL DEFAULT 0,
  -- Account moderation (spec "Account locking" / "Account suspension"), read on every request.
  locked INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  created_ts INTEGER NOT NULL
);

CREATE TABLE devices (
  user_id TEXT NOT NULL REFERENCES users (user_id),
  device_id TEXT NOT NULL,
  display_name TEXT,
  last_seen_ts INTEGER,
  last_seen_ip TEXT,
  created_ts INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

-- One row per live access token. `session_id` names the login session (the refresh-token
-- family) so a detected refresh-token reuse can revoke exactly that session.
CREATE TABLE access_tokens (
  token_hash TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  -- NULL: never expires (clients that did not ask for refresh tokens).
  expires_ts INTEGER,
  -- The refresh token issued together with this access token.
  refresh_token_hash TEXT,
  -- The refresh token that was exchanged for this access token. The spec keeps it usable until
  -- this access token (or its sibling refresh token) is first used; that first use kills it.
  parent_refresh_hash TEXT,
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX access_tokens_by_device ON access_tokens (user_id, device_id);
CREATE INDEX access_tokens_by_session ON access_tokens (session_id);
CREATE INDEX access_tokens_by_refresh ON access_tokens (refresh_token_hash);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_ts) WHERE expires_ts IS NOT NULL;

-- Refresh tokens, rotated on every use. Dead tokens keep their row (until purged) so that a
-- second use of one is recognised as theft or replay and the whole session is revoked.
CREATE TABLE refresh_tokens (
  token_hash TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  expires_ts INTEGER,
  -- The token this one replaced; using this one kills that one.
  parent_hash TEXT,
  -- The successor issued when this token was exchanged (NULL while unused).
  next_hash TEXT,
  -- When it stopped being usable; a later presentation is a reuse.
  dead_ts INTEGER,
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_by_device ON refresh_tokens (user_id, device_id);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_by_dead ON refresh_tokens (dead_ts) WHERE dead_ts IS NOT NULL;
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_ts) WHERE expires_ts IS NOT NULL;

-- Tokens for m.login.registration_token (shape of Synapse's admin API). `pending` is not stored:
-- it is the number of live UIA sessions holding the token (uia_sessions.registration_token), so a
-- session that expires releases its use without any clean-up job.
CREATE TABLE registration_tokens (
  token TEXT NOT NULL PRIMARY KEY,
  -- NULL: unlimited.
  uses_allowed INTEGER,
  completed INTEGER NOT NULL DEFAULT 0,
  -- Milliseconds since the epoch; NULL: never expires.
  expiry_time INTEGER,
  created_ts INTEGER NOT NULL
);

-- User-interactive authentication sessions. A session serves one operation (`route`) on one
-- request (`request_hash`, computed without secrets) for one user (NULL before registration).
CREATE TABLE uia_sessions (
  session_id TEXT NOT NULL PRIMARY KEY,
  route TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  user_id TEXT,
  -- JSON array of the completed stage types, in completion order.
  completed TEXT NOT NULL DEFAULT '[]',
  -- The registration token this session reserved (counts as pending while the session lives).
  registration_token TEXT,
  created_ts INTEGER NOT NULL,
  expires_ts INTEGER NOT NULL
);
CREATE INDEX uia_sessions_by_registration_token ON uia_sessions (registration_token)
  WHERE registration_token IS NOT NULL;
CREATE INDEX uia_sessions_by_expiry ON uia_sessions (expires_ts);
