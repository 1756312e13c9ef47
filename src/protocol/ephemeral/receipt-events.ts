// m.receipt events for /sync from stored receipts: one event per room and thread, in the spec's content shape.
import type { JsonObject } from "../json-value";

/** The receipt types clients may send; m.fully_read is a read marker (room account data), not a receipt. */
export const RECEIPT_TYPES = ["m.read", "m.read.private"] as const;
export type ReceiptType = (typeof RECEIPT_TYPES)[number];

export const isReceiptType = (value: string): value is ReceiptType => (RECEIPT_TYPES as readonly string[]).includes(value);

/** The thread ID of receipts on the main timeline (spec "Threaded read receipts"). */
export const MAIN_THREAD = "main";

/** One stored receipt: the latest of its (room, user, type, thread). */
export interface ReceiptRecord {
  readonly roomId: string;
  readonly userId: string;
  readonly type: ReceiptType;
  /** Undefined: an unthreaded receipt. */
  readonly threadId: string | undefined;
  readonly eventId: string;
  readonly ts: number;
}

/**
 * The m.receipt events of one room, `{ type, content: { $event: { type: { @user: { ts, thread_id? } } } } }`.
 * Receipts are batched into one event per thread (spec "Receipts", Server behaviour), unthreaded
 * ones first: a user may hold an unthreaded and a `main` receipt on the same event, which one
 * content object could not carry. Private receipts of anyone but `viewer` are dropped (spec: they
 * MUST NOT be sent to any other user).
 */
export function receiptEvents(records: readonly ReceiptRecord[], viewer: string): JsonObject[] {
  const byThread = new Map<string, Record<string, Record<string, Record<string, JsonObject>>>>();
  for (const r of records) {
    if (r.type === "m.read.private" && r.userId !== viewer) continue;
    // "" sorts before every thread ID: the unthreaded event comes first.
    const key = r.threadId ?? "";
    let content = byThread.get(key);
    if (content === undefined) {
      content = {};
      byThread.set(key, content);
    }
    const ofEvent = (content[r.eventId] ??= {});
    const ofType = (ofEvent[r.type] ??= {});
    ofType[r.userId] = r.threadId === undefined ? { ts: r.ts } : { ts: r.ts, thread_id: r.threadId };
  }
  return [...byThread.keys()].sort().map((key) => ({ type: "m.receipt", content: byThread.get(key) ?? {} }));
}
