// The media index in D1 (migrations/0018_media.sql): media ID → stored bytes' sha256, type, name, size.
// A record written by the upload routes; replay leaves it alone.

export interface StoredContent {
  readonly sha256: string;
  readonly contentType: string;
  readonly filename: string | null;
  readonly size: number;
}

export type MediaRecord =
  | ({ readonly state: "uploaded"; readonly mediaId: string; readonly uploader: string; readonly createdTs: number } & StoredContent)
  | { readonly state: "pending"; readonly mediaId: string; readonly uploader: string; readonly createdTs: number; readonly unusedExpiresTs: number };

interface MediaRow {
  readonly media_id: string;
  readonly uploader: string;
  readonly created_ts: number;
  readonly unused_expires_ts: number | null;
  readonly sha256: string | null;
  readonly content_type: string | null;
  readonly filename: string | null;
  readonly size: number | null;
}

function toRecord(row: MediaRow): MediaRecord {
  if (row.sha256 === null) {
    return { state: "pending", mediaId: row.media_id, uploader: row.uploader, createdTs: row.created_ts, unusedExpiresTs: row.unused_expires_ts ?? 0 };
  }
  return {
    state: "uploaded",
    mediaId: row.media_id,
    uploader: row.uploader,
    createdTs: row.created_ts,
    sha256: row.sha256,
    contentType: row.content_type ?? "application/octet-stream",
    filename: row.filename,
    size: row.size ?? 0,
  };
}

/** The record of a media ID, or undefined; a pending one past its expiry is reported as absent. */
export async function findMedia(db: D1Database, mediaId: string, now: number): Promise<MediaRecord | undefined> {
  const row = await db.prepare("SELECT * FROM media WHERE media_id = ?").bind(mediaId).first<MediaRow>();
  if (row === null) return undefined;
  const record = toRecord(row);
  return record.state === "pending" && record.unusedExpiresTs <= now ? undefined : record;
}

/** A direct upload (POST /upload): the ID and its content in one row. */
export async function insertUploadedMedia(
  db: D1Database,
  media: { readonly mediaId: string; readonly uploader: string; readonly now: number } & StoredContent,
): Promise<void> {
  await db
    .prepare(
      "INSERT INTO media (media_id, uploader, created_ts, unused_expires_ts, sha256, content_type, filename, size, uploaded_ts) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)",
    )
    .bind(media.mediaId, media.uploader, media.now, media.sha256, media.contentType, media.filename, media.size, media.now)
    .run();
}

/**
 * A pending ID (POST /create), unless the user already has `maxPending` unexpired pending ones:
 * the count and the insert are one statement, so concurrent creates cannot pass the limit together.
 */
export async function insertPendingMedia(
  db: D1Database,
  pending: { readonly mediaId: string; readonly uploader: string; readonly now: number; readonly expiresTs: number; readonly maxPending: number },
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO media (media_id, uploader, created_ts, unused_expires_ts)
       SELECT ?1, ?2, ?3, ?4
       WHERE (SELECT COUNT(*) FROM media WHERE uploader = ?2 AND sha256 IS NULL AND unused_expires_ts > ?3) < ?5`,
    )
    .bind(pending.mediaId, pending.uploader, pending.now, pending.expiresTs, pending.maxPending)
    .run();
  return result.meta.changes === 1;
}

/** Fills a pending ID with content; false when it already had content (or expired meanwhile). */
export async function completePendingMedia(
  db: D1Database,
  upload: { readonly mediaId: string; readonly uploader: string; readonly now: number } & StoredContent,
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE media SET sha256 = ?, content_type = ?, filename = ?, size = ?, uploaded_ts = ?, unused_expires_ts = NULL
       WHERE media_id = ? AND uploader = ? AND sha256 IS NULL AND unused_expires_ts > ?`,
    )
    .bind(upload.sha256, upload.contentType, upload.filename, upload.size, upload.now, upload.mediaId, upload.uploader, upload.now)
    .run();
  return result.meta.changes === 1;
}
