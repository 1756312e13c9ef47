// The duplicate-annotation check of the send route: a user annotates an event with a given type and key once, unless that annotation was redacted.
import type { Annotation } from "../protocol/annotation";

/** Spec "Avoiding duplicate annotations": 400 M_DUPLICATE_ANNOTATION. */
export interface DuplicateAnnotation {
  readonly _tag: "DuplicateAnnotation";
  readonly reason: string;
}

export interface AnnotationAttempt {
  readonly roomId: string;
  readonly sender: string;
  readonly type: string;
  readonly annotation: Annotation;
  /** The request's transaction: a retry of the annotation already sent is no duplicate (the room DO answers it with the first event). */
  readonly txn: { readonly userId: string; readonly deviceId: string; readonly txnId: string };
}

/**
 * Whether `sender` already has an unredacted annotation of this type and key on the event, sent
 * under another transaction. Read from the read models: two identical annotations sent at the same
 * instant can both pass (the spec notes duplicates can also arrive over federation; clients dedupe).
 */
export async function findDuplicateAnnotation(db: D1Database, attempt: AnnotationAttempt): Promise<DuplicateAnnotation | undefined> {
  const row = await db
    .prepare(
      `SELECT e.event_id FROM relations r JOIN events e ON e.event_id = r.event_id
        WHERE r.relates_to = ?1 AND r.room_id = ?2 AND r.rel_type = 'm.annotation' AND r.sender = ?3 AND r.type = ?4
          AND e.redacted_because IS NULL
          AND json_extract(e.event_json, '$.content."m.relates_to".key') = ?5
          AND NOT (e.txn_user_id IS ?6 AND e.txn_device_id IS ?7 AND e.txn_id IS ?8)
        LIMIT 1`,
    )
    .bind(
      attempt.annotation.eventId,
      attempt.roomId,
      attempt.sender,
      attempt.type,
      attempt.annotation.key,
      attempt.txn.userId,
      attempt.txn.deviceId,
      attempt.txn.txnId,
    )
    .first<{ event_id: string }>();
  return row === null ? undefined : { _tag: "DuplicateAnnotation", reason: `You already annotated this event with this key (${row.event_id})` };
}
