-- The media index: which bytes (R2 object named by their sha256) a media ID serves, and how.
-- A record written by the upload routes, not a read model: replay does not touch it.
-- A row with sha256 NULL is an async upload created by POST /_matrix/media/v1/create and not yet
-- uploaded; it is pending until unused_expires_ts, then the ID is dead.
CREATE TABLE media (
  media_id TEXT PRIMARY KEY,
  uploader TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  unused_expires_ts INTEGER,
  sha256 TEXT,
  content_type TEXT,
  filename TEXT,
  size INTEGER,
  uploaded_ts INTEGER
);

-- Counting a user's pending uploads (the limit on POST /create).
CREATE INDEX media_pending_by_uploader ON media (uploader, unused_expires_ts) WHERE sha256 IS NULL;
-- Which media IDs share one stored object (deduplication, future deletion).
CREATE INDEX media_by_sha256 ON media (sha256) WHERE sha256 IS NOT NULL;
