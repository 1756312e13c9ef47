// /sync's `to_device` section: the device's waiting messages in arrival order, at most 100 a response,
// and the acknowledgement of the ones the client's `since` token covers (spec "Send-to-Device messaging").
import type { JsonObject } from "../protocol/json-value";
import { toDeviceHeadStatement } from "./to-device-inbox";

/** The spec recommends 100 messages per response. */
export const TO_DEVICE_PER_SYNC = 100;

export interface ToDeviceEvent {
  readonly sender: string;
  readonly type: string;
  readonly content: JsonObject;
}

export interface ToDeviceForSync {
  readonly events: readonly ToDeviceEvent[];
  /**
   * The token's next `to_device` part: the stream head when every waiting message is in `events`,
   * else the last one delivered, so the next sync sends the rest.
   */
  readonly position: number;
}

interface InboxRow {
  stream_pos: number;
  sender: string;
  type: string;
  content: string;
}

/**
 * One D1 batch (one transaction): delete what `since` acknowledges (every message of the device at
 * or below it: the client has seen the response that carried them), read the head, read the next
 * messages. A `since` above the head was not issued by this database; it acknowledges nothing and
 * the device gets its messages from the start.
 */
export async function toDeviceForSync(
  db: D1Database,
  input: { readonly userId: string; readonly deviceId: string; readonly since: number },
): Promise<ToDeviceForSync> {
  // A token at 0 acknowledges nothing: the batch is then read-only.
  const acknowledge = db
    .prepare(
      `DELETE FROM to_device_inbox WHERE recipient_user = ?1 AND recipient_device = ?2 AND stream_pos <= ?3
         AND ?3 <= (SELECT COALESCE(MAX(position), 0) FROM to_device_txns)`,
    )
    .bind(input.userId, input.deviceId, input.since);
  const results = await db.batch([
    ...(input.since > 0 ? [acknowledge] : []),
    toDeviceHeadStatement(db),
    db
      .prepare(
        `SELECT stream_pos, sender, type, content FROM to_device_inbox
         WHERE recipient_user = ?1 AND recipient_device = ?2
           AND stream_pos > (CASE WHEN ?3 <= (SELECT COALESCE(MAX(position), 0) FROM to_device_txns) THEN ?3 ELSE 0 END)
         ORDER BY stream_pos LIMIT ?4`,
      )
      .bind(input.userId, input.deviceId, input.since, TO_DEVICE_PER_SYNC + 1),
  ]);
  const [headResult, rowsResult] = results.slice(-2);
  const head = (headResult?.results[0] as { head: number } | undefined)?.head ?? 0;
  const rows = (rowsResult?.results ?? []) as InboxRow[];
  const delivered = rows.slice(0, TO_DEVICE_PER_SYNC);
  const more = rows.length > TO_DEVICE_PER_SYNC;
  const last = delivered.at(-1);
  return {
    events: delivered.map((row) => ({ sender: row.sender, type: row.type, content: JSON.parse(row.content) as JsonObject })),
    position: more && last !== undefined ? last.stream_pos : head,
  };
}
