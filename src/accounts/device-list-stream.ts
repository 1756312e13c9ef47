// The device-list stream: a position per change of a user's devices or cross-signing keys (keys
// uploaded, a device deleted or renamed, cross-signing keys replaced). /sync and /keys/changes
// read it (src/readmodels/device-lists-for-sync.ts); the writer advances the notifier's
// `device_lists` stream with the position this statement returns.

/** Appends a change for `userId`; its first result row is `{ stream_pos }`. Batch it with the change itself. */
export const recordDeviceListChangeStatement = (db: D1Database, userId: string): D1PreparedStatement =>
  db.prepare("INSERT INTO device_list_changes (user_id) VALUES (?) RETURNING stream_pos").bind(userId);

/** The position a batch's `recordDeviceListChangeStatement` result holds, or undefined. */
export function positionOf(result: D1Result | undefined): number | undefined {
  const row = result?.results[0] as { stream_pos?: unknown } | undefined;
  return typeof row?.stream_pos === "number" ? row.stream_pos : undefined;
}
