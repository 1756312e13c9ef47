// How far the projection has applied one room's log, and the stream position that reading saw.
export interface ProjectionProgress {
  /** The room's last applied log seq (0 before its first entry reached D1). */
  readonly checkpoint: number;
  /** The highest committed stream position at the same moment: any later apply lands beyond it. */
  readonly position: number;
}

/** Both read in one batch (one transaction), so a poke for a later apply is always beyond `position`. */
export async function projectionProgress(db: D1Database, roomId: string): Promise<ProjectionProgress> {
  const [checkpoint, position] = await db.batch([
    db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM room_checkpoints WHERE room_id = ?").bind(roomId),
    db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM events"),
  ]);
  return {
    checkpoint: (checkpoint?.results[0] as { seq: number } | undefined)?.seq ?? 0,
    position: (position?.results[0] as { position: number } | undefined)?.position ?? 0,
  };
}
