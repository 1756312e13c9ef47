// The extensions of a simplified sliding sync answer (MSC4186): to_device, e2ee, account_data, typing, receipts, each only when enabled; read side by side.
import type { JsonValue } from "../protocol/json-value";
import type { ExtensionsRequest } from "../protocol/sliding-sync/sliding-sync-request";
import { accountDataChanges } from "./account-data";
import { deviceListsForSync } from "./device-lists-for-sync";
import { oneTimeKeyCounts, unusedFallbackKeyTypes } from "./one-time-key-counts";
import { ephemeralForSync, type TypingReader } from "./sync-ephemeral";
import type { SyncSnapshot } from "./sync-snapshot";
import type { SyncStream, SyncToken } from "./sync-token";
import { toDeviceForSync } from "./to-device-for-sync";

export interface ExtensionsInput {
  readonly userId: string;
  readonly deviceId: string;
  readonly now: number;
  readonly typing: TypingReader;
  readonly request: ExtensionsRequest;
  readonly snapshot: SyncSnapshot;
  /** The request's `pos`, parsed; undefined for an initial request. */
  readonly since: SyncToken | undefined;
}

export interface ExtensionsAnswer {
  readonly extensions: Record<string, JsonValue>;
  /** The positions the enabled extensions read up to (the next `pos`'s parts for their streams). */
  readonly positions: Partial<Record<SyncStream, number>>;
  /** Something for the client: a long-poll returns. Key counts alone are not. */
  readonly news: boolean;
}

interface Part {
  readonly key: string;
  readonly value: JsonValue;
  readonly positions: Partial<Record<SyncStream, number>>;
  readonly news: boolean;
}

async function toDevicePart(db: D1Database, input: ExtensionsInput, sinceText: string | undefined): Promise<Part> {
  const since = sinceText !== undefined && /^(0|[1-9][0-9]{0,15})$/.test(sinceText) ? Number(sinceText) : 0;
  // As /sync: `since` acknowledges (deletes) the messages up to it.
  const toDevice = await toDeviceForSync(db, { userId: input.userId, deviceId: input.deviceId, since });
  return {
    key: "to_device",
    value: { next_batch: String(toDevice.position), events: toDevice.events.map((e) => ({ ...e })) },
    positions: { to_device: toDevice.position },
    news: toDevice.events.length > 0,
  };
}

async function e2eePart(db: D1Database, input: ExtensionsInput): Promise<Part> {
  const { userId, deviceId, since } = input;
  const [lists, counts, fallback] = await Promise.all([
    deviceListsForSync(db, { userId, since: since?.device_lists, sincePdu: since?.pdu, pduPosition: input.snapshot.position }),
    oneTimeKeyCounts(db, userId, deviceId),
    unusedFallbackKeyTypes(db, userId, deviceId),
  ]);
  return {
    key: "e2ee",
    value: { device_lists: { changed: lists.changed, left: lists.left }, device_one_time_keys_count: counts, device_unused_fallback_key_types: fallback },
    positions: { device_lists: lists.position },
    news: lists.changed.length + lists.left.length > 0,
  };
}

async function accountDataPart(db: D1Database, input: ExtensionsInput): Promise<Part> {
  const { snapshot } = input;
  // Everything on an initial request, else what changed after pos (the snapshot read it).
  const changes = input.since === undefined ? await accountDataChanges(db, input.userId, 0, snapshot.accountPosition) : snapshot.accountData;
  const global = changes.filter((c) => c.roomId === undefined).map((c) => ({ type: c.type, content: c.content }));
  const rooms: Record<string, JsonValue[]> = {};
  for (const c of changes) if (c.roomId !== undefined) (rooms[c.roomId] ??= []).push({ type: c.type, content: c.content });
  return { key: "account_data", value: { global, rooms }, positions: {}, news: changes.length > 0 };
}

async function ephemeralParts(db: D1Database, input: ExtensionsInput): Promise<Part[]> {
  const { since, request } = input;
  const ephemeral = await ephemeralForSync(db, input.typing, {
    userId: input.userId,
    joinedRoomIds: input.snapshot.memberships.filter((m) => m.membership === "join").map((m) => m.room_id),
    since: since === undefined ? undefined : { typing: since.typing, receipt: since.receipt, presence: since.presence },
    now: input.now,
  });
  const pick = (type: string): Record<string, JsonValue> => {
    const out: Record<string, JsonValue> = {};
    for (const [roomId, events] of ephemeral.rooms) {
      const event = events.find((e) => e["type"] === type);
      if (event !== undefined) out[roomId] = event;
    }
    return out;
  };
  const parts: Part[] = [];
  if (request.typing === true) {
    const typing = pick("m.typing");
    parts.push({ key: "typing", value: { rooms: typing }, positions: { typing: ephemeral.positions.typing }, news: Object.keys(typing).length > 0 });
  }
  if (request.receipts === true) {
    const receipts = pick("m.receipt");
    parts.push({ key: "receipts", value: { rooms: receipts }, positions: { receipt: ephemeral.positions.receipt }, news: Object.keys(receipts).length > 0 });
  }
  return parts;
}

export async function slidingSyncExtensions(db: D1Database, input: ExtensionsInput): Promise<ExtensionsAnswer> {
  const ext = input.request;
  const parts = (
    await Promise.all([
      ext.toDevice === undefined ? [] : [toDevicePart(db, input, ext.toDevice.since)],
      ext.e2ee === true ? [e2eePart(db, input)] : [],
      ext.accountData === true ? [accountDataPart(db, input)] : [],
      ext.typing === true || ext.receipts === true ? ephemeralParts(db, input) : [],
    ].flat())
  ).flat();
  return {
    extensions: Object.fromEntries(parts.map((p) => [p.key, p.value])),
    positions: Object.assign({}, ...parts.map((p) => p.positions)) as Partial<Record<SyncStream, number>>,
    news: parts.some((p) => p.news),
  };
}

/** The streams a request's answer reads: room events and account data always, the others as extensions ask. */
export function watchedStreams(ext: ExtensionsRequest): SyncStream[] {
  const streams: SyncStream[] = ["pdu", "account_data"];
  if (ext.toDevice !== undefined) streams.push("to_device");
  if (ext.e2ee === true) streams.push("device_lists");
  if (ext.typing === true) streams.push("typing");
  if (ext.receipts === true) streams.push("receipt");
  return streams;
}
