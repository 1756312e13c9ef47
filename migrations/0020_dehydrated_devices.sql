-- Dehydrated devices (MSC3814): at most one per user, a device without access tokens whose to-device
-- messages wait for a later client to fetch them. The device itself is a row of `devices` (so
-- /keys/query, /keys/claim and send-to-device reach it like any device); this table marks it and
-- holds the client's opaque `device_data`. A record written by PUT /dehydrated_device, NOT a read
-- model: replay leaves it alone. Deleting the device (replacement, DELETE /dehydrated_device,
-- DELETE /devices/{id}, /logout/all) drops the row.
CREATE TABLE dehydrated_devices (
  user_id TEXT NOT NULL PRIMARY KEY,
  device_id TEXT NOT NULL,
  -- The `device_data` object as canonical JSON.
  device_data TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
