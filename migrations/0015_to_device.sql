-- Send-to-device messaging (spec "Send-to-Device messaging"). Records written by PUT /sendToDevice
-- and acknowledged (deleted) by /sync, NOT read models: replay leaves them alone.

-- Messages waiting for a local device. `stream_pos` (AUTOINCREMENT, never reused) orders a device's
-- messages and is the `to_device` part of sync tokens. A message lives until the device syncs with
-- a token at or past it; deleting the device drops its messages.
CREATE TABLE to_device_inbox (
  stream_pos INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient_user TEXT NOT NULL,
  recipient_device TEXT NOT NULL,
  sender TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  FOREIGN KEY (recipient_user, recipient_device) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX to_device_inbox_by_device ON to_device_inbox (recipient_user, recipient_device, stream_pos);

-- One row per sendToDevice transaction (the spec scopes a txnId to the device and the request path,
-- so the event type is part of the key): a retry delivers nothing twice. `position` is the stream
-- head once the transaction committed; since inbox rows are deleted as they are acknowledged, the
-- highest `position` here is the stream's head.
CREATE TABLE to_device_txns (
  sender_user TEXT NOT NULL,
  sender_device TEXT NOT NULL,
  event_type TEXT NOT NULL,
  txn_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_ts INTEGER NOT NULL,
  PRIMARY KEY (sender_user, sender_device, event_type, txn_id)
);
CREATE INDEX to_device_txns_by_position ON to_device_txns (position);
CREATE INDEX to_device_txns_by_age ON to_device_txns (created_ts);
