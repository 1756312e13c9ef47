// The to-device inbox (migrations/0015): queueing a sendToDevice transaction's messages for local
// devices, once per (sender, sender device, event type, txnId). A record written by the route, not a
// read model; /sync reads and acknowledges it (to-device-for-sync.ts).
import type { JsonObject } from "../protocol/json-value";

/** A message for one device of a local user, or for each of their devices (`deviceId` `*`). */
export interface LocalToDeviceMessage {
  readonly userId: string;
  readonly deviceId: string;
  readonly content: JsonObject;
}

export interface ToDeviceTransaction {
  readonly sender: string;
  readonly senderDevice: string;
  readonly type: string;
  readonly txnId: string;
  readonly messages: readonly LocalToDeviceMessage[];
  readonly now: number;
}

export interface QueuedToDevice {
  /** The stream head once the transaction committed: what the sync notifier is told. */
  readonly position: number;
  /** Messages this call queued: 0 for a retried transaction. */
  readonly queued: number;
}

/** A transaction is remembered this long; a client retries within seconds or minutes. */
export const TO_DEVICE_TXN_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The to-device stream head: the highest position any committed transaction left (never lowered by deletes). */
export const toDeviceHeadStatement = (db: D1Database): D1PreparedStatement =>
  db.prepare("SELECT COALESCE(MAX(position), 0) AS head FROM to_device_txns");

/**
 * Messages go to the named devices that exist; `*` goes to every device of the user except ones the
 * same request names (the named message wins: one message per device per transaction). Unknown
 * users and devices are skipped. Rows take positions in request order.
 */
const INSERT_MESSAGES_SQL = `
WITH m AS (
  SELECT key AS k, json_extract(value, '$.u') AS u, json_extract(value, '$.d') AS d, json_extract(value, '$.c') AS c
  FROM json_each(?1)
)
INSERT INTO to_device_inbox (recipient_user, recipient_device, sender, type, content, created_ts)
SELECT dv.user_id, dv.device_id, ?2, ?4, m.c, ?6
FROM m
JOIN devices dv ON dv.user_id = m.u
  AND (dv.device_id = m.d OR (m.d = '*' AND NOT EXISTS (SELECT 1 FROM m AS named WHERE named.u = m.u AND named.d = dv.device_id)))
WHERE NOT EXISTS (
  SELECT 1 FROM to_device_txns WHERE sender_user = ?2 AND sender_device = ?3 AND event_type = ?4 AND txn_id = ?5
)
ORDER BY m.k, dv.device_id`;

const INSERT_TXN_SQL = `
INSERT INTO to_device_txns (sender_user, sender_device, event_type, txn_id, position, created_ts)
VALUES (?1, ?2, ?3, ?4, MAX(
  (SELECT COALESCE(MAX(stream_pos), 0) FROM to_device_inbox),
  (SELECT COALESCE(MAX(position), 0) FROM to_device_txns)
), ?5)
ON CONFLICT (sender_user, sender_device, event_type, txn_id) DO NOTHING`;

/**
 * Queues the messages and records the transaction in one D1 batch (one transaction), so a retry
 * with the same txnId queues nothing, even when two copies of the request race. Old transactions
 * are forgotten in the same batch (the newest is always kept: it holds the stream head).
 */
export async function queueToDevice(db: D1Database, txn: ToDeviceTransaction): Promise<QueuedToDevice> {
  const messages = JSON.stringify(txn.messages.map((m) => ({ u: m.userId, d: m.deviceId, c: JSON.stringify(m.content) })));
  const [inserted, , , head] = await db.batch([
    db.prepare(INSERT_MESSAGES_SQL).bind(messages, txn.sender, txn.senderDevice, txn.type, txn.txnId, txn.now),
    db.prepare(INSERT_TXN_SQL).bind(txn.sender, txn.senderDevice, txn.type, txn.txnId, txn.now),
    db
      .prepare("DELETE FROM to_device_txns WHERE created_ts < ? AND position < (SELECT MAX(position) FROM to_device_txns)")
      .bind(txn.now - TO_DEVICE_TXN_RETENTION_MS),
    toDeviceHeadStatement(db),
  ]);
  const position = (head?.results[0] as { head: number } | undefined)?.head ?? 0;
  return { position, queued: inserted?.meta.changes ?? 0 };
}
