// The to-device messages waiting for a dehydrated device (MSC3814 /dehydrated_device/{id}/events),
// read from the same inbox /sync reads (to_device_inbox, migrations/0015), a page at a time.
import { DEHYDRATED_EVENTS_PER_PAGE } from "../protocol/dehydrated-device/dehydrated-events-page";
import type { JsonObject } from "../protocol/json-value";
import type { ToDeviceEvent } from "./to-device-for-sync";

export interface InboxPageRow {
  readonly position: number;
  readonly event: ToDeviceEvent;
}

interface InboxRow {
  stream_pos: number;
  sender: string;
  type: string;
  content: string;
}

/**
 * The device's messages after `since`, in stream order, one more than a page (so the caller knows
 * whether more wait). With `acknowledge` (the POST form, as Synapse) the messages at or below
 * `since` are deleted first in the same batch; a `since` above the stream head was not issued by
 * this database and deletes nothing. Without it (MSC3814's GET) nothing is deleted: the messages
 * go with the device.
 */
export async function dehydratedDeviceInboxPage(
  db: D1Database,
  input: { readonly userId: string; readonly deviceId: string; readonly since: number; readonly acknowledge: boolean },
): Promise<InboxPageRow[]> {
  const read = db
    .prepare(
      `SELECT stream_pos, sender, type, content FROM to_device_inbox
       WHERE recipient_user = ? AND recipient_device = ? AND stream_pos > ?
       ORDER BY stream_pos LIMIT ?`,
    )
    .bind(input.userId, input.deviceId, input.since, DEHYDRATED_EVENTS_PER_PAGE + 1);
  const acknowledge = db
    .prepare(
      `DELETE FROM to_device_inbox WHERE recipient_user = ?1 AND recipient_device = ?2 AND stream_pos <= ?3
         AND ?3 <= (SELECT COALESCE(MAX(position), 0) FROM to_device_txns)`,
    )
    .bind(input.userId, input.deviceId, input.since);
  const results = await db.batch([...(input.acknowledge && input.since > 0 ? [acknowledge] : []), read]);
  const rows = (results.at(-1)?.results ?? []) as InboxRow[];
  return rows.map((row) => ({
    position: row.stream_pos,
    event: { sender: row.sender, type: row.type, content: JSON.parse(row.content) as JsonObject },
  }));
}
