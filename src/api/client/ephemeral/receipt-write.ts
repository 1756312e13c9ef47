// Receipts and the fully-read marker as the receipt and read-marker routes both write them.
import { Effect } from "effect";
import type { Context } from "hono";
import type { ReceiptType } from "../../../protocol/ephemeral/receipt-events";
import { getAccountData, putAccountData } from "../../../readmodels/account-data";
import { ephemeralError, type EphemeralError } from "../../../readmodels/ephemeral-error";
import { eventPlace, storeReceipt } from "../../../readmodels/receipt-store";
import type { AuthedEnv } from "../../auth-middleware";
import { announceAccountData } from "../user-data/user-data-request";
import { announce } from "./ephemeral-request";

/** The notifier stream of receipts. */
export const RECEIPT_STREAM = "receipt";

/** A receipt of the caller's; a receipt behind the current one is accepted and changes nothing. */
export function writeReceipt(
  c: Context<AuthedEnv>,
  roomId: string,
  type: ReceiptType,
  eventId: string,
  threadId: string | undefined,
  now: number,
): Effect.Effect<void, EphemeralError> {
  return Effect.gen(function* () {
    const stored = yield* Effect.promise(() =>
      storeReceipt(c.env.DB, { roomId, userId: c.var.requester.userId, type, threadId, eventId, ts: now }),
    );
    if (!stored.ok) return yield* Effect.fail(stored.error);
    yield* announce(c, RECEIPT_STREAM, stored.value);
  });
}

/**
 * The caller's fully-read marker: the room's `m.fully_read` account data `{event_id}` (spec "Read
 * and unread markers"), written and announced as any account data is. The event must be in the
 * room (404 otherwise). Like a receipt it only moves forward: a marker behind the current one
 * changes nothing (two racing markers may still land in either order).
 */
export function writeFullyRead(c: Context<AuthedEnv>, roomId: string, eventId: string): Effect.Effect<void, EphemeralError> {
  return Effect.gen(function* () {
    const db = c.env.DB;
    const key = { userId: c.var.requester.userId, roomId, type: "m.fully_read" };
    const place = yield* Effect.promise(() => eventPlace(db, key.userId, roomId, eventId));
    if (place === undefined) return yield* Effect.fail(ephemeralError("event_not_found", "Event not found in this room"));
    const current = yield* Effect.promise(() => getAccountData(db, key));
    const currentId = current?.["event_id"];
    if (typeof currentId === "string") {
      if (currentId === eventId) return;
      const at = yield* Effect.promise(() => eventPlace(db, key.userId, roomId, currentId));
      if (at !== undefined && at.streamPos >= place.streamPos) return;
    }
    const position = yield* Effect.promise(() => putAccountData(db, key, { event_id: eventId }));
    yield* announceAccountData(c, position);
  });
}
