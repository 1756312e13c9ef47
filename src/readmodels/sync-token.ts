// Sync and pagination tokens: read-model stream positions, one composite string for every stream.
import { err, ok, type Result } from "../protocol/result";

/**
 * The streams a token carries, in token order. Only the room event (PDU) stream exists so far;
 * later streams (typing, receipts, account data, to-device, device lists) append here, and
 * tokens issued before they existed read as position 0 for them.
 */
export const SYNC_STREAMS = ["pdu"] as const;
export type SyncStream = (typeof SYNC_STREAMS)[number];
export type SyncToken = { readonly [S in SyncStream]: number };

export interface InvalidSyncToken {
  readonly _tag: "InvalidSyncToken";
  readonly reason: string;
  readonly token: string;
}

/** `s{pdu}_{next}_…`: each part a non-negative decimal integer. */
export function formatSyncToken(token: SyncToken): string {
  return `s${SYNC_STREAMS.map((stream) => token[stream]).join("_")}`;
}

export const tokenAt = (pdu: number): SyncToken => ({ pdu });

const PART = /^(0|[1-9][0-9]{0,15})$/;

export function parseSyncToken(text: string): Result<SyncToken, InvalidSyncToken> {
  const invalid = (reason: string) => err<InvalidSyncToken>({ _tag: "InvalidSyncToken", reason, token: text.slice(0, 100) });
  if (!text.startsWith("s")) return invalid("a token starts with 's'");
  const parts = text.slice(1).split("_");
  if (parts.length > SYNC_STREAMS.length) return invalid("the token names more streams than this server has");
  const values: number[] = [];
  for (const part of parts) {
    if (!PART.test(part)) return invalid("a token part is not a position");
    const value = Number(part);
    if (!Number.isSafeInteger(value)) return invalid("a token position is out of range");
    values.push(value);
  }
  const token: Record<string, number> = {};
  SYNC_STREAMS.forEach((stream, i) => {
    token[stream] = values[i] ?? 0;
  });
  return ok(token as SyncToken);
}
