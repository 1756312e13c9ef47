-- OpenID tokens (spec client-server "OpenID", server-server "OpenID"): short-lived tokens a user
-- hands to a third party (a widget, an integration manager), which that party exchanges at
-- GET /_matrix/federation/v1/openid/userinfo for the user's ID. Good for nothing else. A record
-- written by POST /user/{userId}/openid/request_token, NOT a read model: replay leaves it alone.
-- Only the sha256 of a token is stored, as for access tokens.
CREATE TABLE openid_tokens (
  token_hash TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (user_id),
  created_ts INTEGER NOT NULL,
  expires_ts INTEGER NOT NULL
);

-- Expired rows are pruned per user when that user asks for a new token.
CREATE INDEX openid_tokens_user ON openid_tokens (user_id, expires_ts);
