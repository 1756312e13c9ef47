// Sync and pagination tokens: read-model stream positions, one composite string for every stream.
import { err, ok, type Result } from "../protocol/result";

/**
 * The streams a token carries, in token order: room events (PDUs), account data, typing, receipts,
 * presence, to-device messages, device-list changes. Later streams append here, and tokens issued
 * before they existed read as position 0 for them (so `s{pdu}` tokens stay valid).
 */
export const SYNC_STREAMS = ["pdu", "account_data", "typing", "receipt", "presence", "to_device", "device_lists"] as const;
export type SyncStream = (typeof SYNC_STREAMS)[number];
export type SyncToken = { readonly [S in SyncStream]: number };

export interface InvalidSyncToken {
  readonly _tag: "InvalidSyncToken";
  readonly reason: string;
  readonly token: string;
}

/**
 * `s{pdu}_{account_data}_…`: each part a non-negative decimal integer. Trailing zero parts are
 * left out, since parsing reads a missing part as 0: pagination tokens (room events only) stay
 * `s{pdu}`.
 */
export function formatSyncToken(token: SyncToken): string {
  const parts = SYNC_STREAMS.map((stream) => token[stream]);
  while (parts.length > 1 && parts[parts.length - 1] === 0) parts.pop();
  return `s${parts.join("_")}`;
}

/** A token at room event position `pdu` and position 0 of every other stream (for room pagination). */
export const tokenAt = (pdu: number): SyncToken => ({
  pdu,
  account_data: 0,
  typing: 0,
  receipt: 0,
  presence: 0,
  to_device: 0,
  device_lists: 0,
});

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
