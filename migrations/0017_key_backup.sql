-- Server-side key backups (spec "Server-side key backups"). Records written by the /room_keys
-- routes, NOT read models: replay leaves them alone.

-- A user's backups. `version` counts 1, 2, 3… per user and is never reused: deleting a backup marks
-- its row deleted (a second DELETE still succeeds) and removes its keys. The current backup is the
-- user's highest undeleted version. `etag` changes with every change of the backup's keys and
-- `key_count` follows their number, both kept by the triggers below.
CREATE TABLE key_backup_versions (
  user_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  algorithm TEXT NOT NULL,
  auth_data TEXT NOT NULL,
  etag INTEGER NOT NULL DEFAULT 0,
  key_count INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_ts INTEGER NOT NULL,
  PRIMARY KEY (user_id, version)
);

-- One key per (backup, room, session). `rank` orders two keys of a session as the spec's
-- replacement rule does (src/protocol/key-backup/backed-up-key.ts), so an upload keeps the better
-- key in the statement that writes it. `key_json` is the KeyBackupData as answered.
CREATE TABLE key_backup_keys (
  user_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  room_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  rank TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, version, room_id, session_id),
  FOREIGN KEY (user_id, version) REFERENCES key_backup_versions (user_id, version)
);

CREATE TRIGGER key_backup_key_added AFTER INSERT ON key_backup_keys BEGIN
  UPDATE key_backup_versions SET etag = etag + 1, key_count = key_count + 1
  WHERE user_id = NEW.user_id AND version = NEW.version;
END;

CREATE TRIGGER key_backup_key_replaced AFTER UPDATE ON key_backup_keys BEGIN
  UPDATE key_backup_versions SET etag = etag + 1
  WHERE user_id = NEW.user_id AND version = NEW.version;
END;

CREATE TRIGGER key_backup_key_removed AFTER DELETE ON key_backup_keys BEGIN
  UPDATE key_backup_versions SET etag = etag + 1, key_count = key_count - 1
  WHERE user_id = OLD.user_id AND version = OLD.version;
END;
