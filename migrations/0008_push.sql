-- Push rules and pushers: per-user settings clients store on the server (client-server "Push Notifications").
-- These are records, not projections: no room log stands behind them, so `npm run replay` keeps them.

-- A user's own rules and their settings on server-default rules (src/protocol/push/user-push-rules.ts
-- UserPushRules as JSON). Users who never changed anything have no row: they get the defaults.
-- `version` rises by one on every write, so a read-modify-write lands only on the row it read.
CREATE TABLE push_rules (
  user_id TEXT NOT NULL PRIMARY KEY,
  rules_json TEXT NOT NULL,
  version INTEGER NOT NULL
);

-- One row per (user, app_id, pushkey): setting it again updates the row. `pusher_id` orders
-- GET /pushers by creation. `device_id` is the device that set it, so a logout can remove it.
CREATE TABLE pushers (
  pusher_id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  pushkey TEXT NOT NULL,
  kind TEXT NOT NULL,
  app_display_name TEXT NOT NULL,
  device_display_name TEXT NOT NULL,
  profile_tag TEXT,
  lang TEXT NOT NULL,
  -- PusherData as the client sent it: custom keys are forwarded to the push gateway.
  data_json TEXT NOT NULL,
  device_id TEXT,
  UNIQUE (user_id, app_id, pushkey)
);
-- Setting a pusher without `append` removes other users' pushers with the same app_id and pushkey.
CREATE INDEX pushers_by_key ON pushers (app_id, pushkey);
