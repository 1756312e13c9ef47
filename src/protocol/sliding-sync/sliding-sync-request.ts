// The body of a simplified sliding sync request (MSC4186): lists, room subscriptions and extensions, checked.
import { isJsonObject, type JsonObject, type JsonValue } from "../json-value";
import { err, ok, type Result } from "../result";

/** Lists and subscriptions per request at most (MSC4186: more is M_INVALID_PARAM). */
export const MAX_LISTS = 100;
/** The server's cap on timeline_limit. */
export const MAX_TIMELINE_LIMIT = 100;

/** One `[type, state_key]` pair; `*` is any, `$LAZY` lazy members, `$ME` the requesting user. */
export type RequiredStatePair = readonly [string, string];

export interface RoomConfig {
  readonly timelineLimit: number;
  readonly requiredState: readonly RequiredStatePair[];
  /** State this config leaves out though `requiredState` matches it (the MSC's object form's `exclude`). */
  readonly excludeState: readonly RequiredStatePair[];
  /**
   * The object form's `lazy_members`: member events only of the timeline's senders (`$LAZY`) and of
   * keys named exactly, a wildcard in `requiredState` notwithstanding.
   */
  readonly lazyMembers: boolean;
}

export interface ListFilters {
  readonly isDm?: boolean;
  readonly isInvite?: boolean;
  /** The create event's `type` among these (null: rooms without a type). */
  readonly roomTypes?: readonly (string | null)[];
  /** …and not among these (wins over `roomTypes`). */
  readonly notRoomTypes?: readonly (string | null)[];
  /** The room has one of these tags (`m.tag` room account data)… */
  readonly tags?: readonly string[];
  /** …and none of these (wins over `tags`). */
  readonly notTags?: readonly string[];
}

export interface ListConfig extends RoomConfig {
  /** Inclusive index ranges; undefined means the whole list. */
  readonly ranges: readonly (readonly [number, number])[] | undefined;
  readonly filters: ListFilters;
}

export interface ExtensionsRequest {
  readonly toDevice?: { readonly since?: string };
  readonly e2ee?: true;
  readonly accountData?: true;
  readonly typing?: true;
  readonly receipts?: true;
}

export type SlidingSyncPresence = "online" | "offline" | "unavailable";

export interface SlidingSyncRequest {
  /** Body-level `pos`, `timeout` and `set_presence` (clients also send them as query parameters). */
  readonly pos?: string;
  readonly timeoutMs?: number;
  readonly setPresence?: SlidingSyncPresence;
  readonly lists: ReadonlyMap<string, ListConfig>;
  readonly roomSubscriptions: ReadonlyMap<string, RoomConfig>;
  readonly extensions: ExtensionsRequest;
}

export interface SlidingSyncBodyError {
  readonly _tag: "SlidingSyncBodyError";
  /** bad_json: a field has the wrong type; invalid_param: a value is out of bounds. */
  readonly reason: "bad_json" | "invalid_param";
  readonly message: string;
}

const badJson = (message: string) => err<SlidingSyncBodyError>({ _tag: "SlidingSyncBodyError", reason: "bad_json", message });
const invalid = (message: string) => err<SlidingSyncBodyError>({ _tag: "SlidingSyncBodyError", reason: "invalid_param", message });

const isIndex = (v: JsonValue | undefined): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function parseRoomConfig(value: JsonObject, where: string): Result<RoomConfig, SlidingSyncBodyError> {
  const limit = value["timeline_limit"] ?? 0;
  if (typeof limit !== "number" || !Number.isSafeInteger(limit)) return badJson(`${where}.timeline_limit must be an integer`);
  if (limit < 0) return invalid(`${where}.timeline_limit must not be negative`);
  const state = value["required_state"] ?? [];
  const timelineLimit = Math.min(limit, MAX_TIMELINE_LIMIT);
  if (isJsonObject(state)) {
    const include = parseElements(state["include"], `${where}.required_state.include`);
    if (!include.ok) return include;
    const exclude = parseElements(state["exclude"], `${where}.required_state.exclude`);
    if (!exclude.ok) return exclude;
    const lazy = state["lazy_members"];
    if (lazy !== undefined && typeof lazy !== "boolean") return badJson(`${where}.required_state.lazy_members must be a boolean`);
    const requiredState = lazy === true ? [...include.value, ["m.room.member", "$LAZY"] as const] : include.value;
    return ok({ timelineLimit, requiredState, excludeState: exclude.value, lazyMembers: lazy === true });
  }
  if (!Array.isArray(state)) return badJson(`${where}.required_state must be a list of [type, state_key] pairs`);
  const pairs: RequiredStatePair[] = [];
  for (const pair of state) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      return badJson(`${where}.required_state must be a list of [type, state_key] pairs`);
    }
    pairs.push([pair[0], pair[1]]);
  }
  return ok({ timelineLimit, requiredState: pairs, excludeState: [], lazyMembers: false });
}

/** The object form's `{type?, state_key?}` elements as pairs; an absent field matches anything (`*`). */
function parseElements(value: JsonValue | undefined, where: string): Result<RequiredStatePair[], SlidingSyncBodyError> {
  if (value === undefined) return ok([]);
  if (!Array.isArray(value)) return badJson(`${where} must be a list`);
  const pairs: RequiredStatePair[] = [];
  for (const element of value) {
    if (!isJsonObject(element)) return badJson(`${where} must be a list of objects`);
    const type = element["type"] ?? "*";
    const key = element["state_key"] ?? "*";
    if (typeof type !== "string" || typeof key !== "string") return badJson(`${where}: type and state_key must be strings`);
    pairs.push([type, key]);
  }
  return ok(pairs);
}

function parseRanges(value: JsonValue | undefined, where: string): Result<ListConfig["ranges"], SlidingSyncBodyError> {
  if (value === undefined) return ok(undefined);
  if (!Array.isArray(value)) return badJson(`${where}.ranges must be a list of [start, end] pairs`);
  const ranges: (readonly [number, number])[] = [];
  for (const range of value) {
    if (!Array.isArray(range) || range.length !== 2 || !isIndex(range[0]) || !isIndex(range[1])) {
      return badJson(`${where}.ranges must be a list of [start, end] pairs of non-negative integers`);
    }
    if (range[0] > range[1]) return invalid(`${where}.ranges: a range's start is after its end`);
    ranges.push([range[0], range[1]]);
  }
  return ok(ranges);
}

function parseFilters(value: JsonValue | undefined, where: string): Result<ListFilters, SlidingSyncBodyError> {
  if (value === undefined) return ok({});
  if (!isJsonObject(value)) return badJson(`${where}.filters must be an object`);
  const out: { isDm?: boolean; isInvite?: boolean; roomTypes?: (string | null)[]; notRoomTypes?: (string | null)[]; tags?: string[]; notTags?: string[] } = {};
  for (const [key, field] of [["tags", "tags"], ["not_tags", "notTags"]] as const) {
    const tags = value[key];
    if (tags === undefined) continue;
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) return badJson(`${where}.filters.${key} must be a list of strings`);
    out[field] = tags as string[];
  }
  for (const [key, field] of [["room_types", "roomTypes"], ["not_room_types", "notRoomTypes"]] as const) {
    const types = value[key];
    if (types === undefined) continue;
    if (!Array.isArray(types) || !types.every((t) => t === null || typeof t === "string")) {
      return badJson(`${where}.filters.${key} must be a list of strings or nulls`);
    }
    out[field] = types as (string | null)[];
  }
  for (const [key, field] of [["is_dm", "isDm"], ["is_invite", "isInvite"]] as const) {
    const flag = value[key];
    if (flag === undefined) continue;
    if (typeof flag !== "boolean") return badJson(`${where}.filters.${key} must be a boolean`);
    out[field] = flag;
  }
  return ok(out);
}

function parseLists(value: JsonValue | undefined): Result<Map<string, ListConfig>, SlidingSyncBodyError> {
  const out = new Map<string, ListConfig>();
  if (value === undefined) return ok(out);
  if (!isJsonObject(value)) return badJson("lists must be an object");
  const entries = Object.entries(value);
  if (entries.length > MAX_LISTS) return invalid(`at most ${MAX_LISTS} lists`);
  for (const [name, list] of entries) {
    const where = `lists.${name}`;
    if (!isJsonObject(list)) return badJson(`${where} must be an object`);
    const config = parseRoomConfig(list, where);
    if (!config.ok) return config;
    // `range` (one pair, the MSC's later form) and `ranges` (a list of pairs) are both read.
    const single = list["range"];
    const ranges = parseRanges(single === undefined ? list["ranges"] : [single], where);
    if (!ranges.ok) return ranges;
    const filters = parseFilters(list["filters"], where);
    if (!filters.ok) return filters;
    out.set(name, { ...config.value, ranges: ranges.value, filters: filters.value });
  }
  return ok(out);
}

function parseSubscriptions(value: JsonValue | undefined): Result<Map<string, RoomConfig>, SlidingSyncBodyError> {
  const out = new Map<string, RoomConfig>();
  if (value === undefined) return ok(out);
  if (!isJsonObject(value)) return badJson("room_subscriptions must be an object");
  const entries = Object.entries(value);
  if (entries.length > MAX_LISTS) return invalid(`at most ${MAX_LISTS} room subscriptions`);
  for (const [roomId, sub] of entries) {
    if (!roomId.startsWith("!")) return invalid(`room_subscriptions: ${roomId.slice(0, 100)} is not a room ID`);
    if (!isJsonObject(sub)) return badJson(`room_subscriptions.${roomId} must be an object`);
    const config = parseRoomConfig(sub, `room_subscriptions.${roomId}`);
    if (!config.ok) return config;
    out.set(roomId, config.value);
  }
  return ok(out);
}

/** `enabled: true` turns an extension on; anything but a boolean there is refused. */
function enabled(extensions: JsonObject, key: string): Result<JsonObject | undefined, SlidingSyncBodyError> {
  const ext = extensions[key];
  if (ext === undefined) return ok(undefined);
  if (!isJsonObject(ext)) return badJson(`extensions.${key} must be an object`);
  const flag = ext["enabled"];
  if (flag !== undefined && typeof flag !== "boolean") return badJson(`extensions.${key}.enabled must be a boolean`);
  return ok(flag === true ? ext : undefined);
}

function parseExtensions(value: JsonValue | undefined): Result<ExtensionsRequest, SlidingSyncBodyError> {
  if (value === undefined) return ok({});
  if (!isJsonObject(value)) return badJson("extensions must be an object");
  const out: { toDevice?: { since?: string }; e2ee?: true; accountData?: true; typing?: true; receipts?: true } = {};
  const toDevice = enabled(value, "to_device");
  if (!toDevice.ok) return toDevice;
  if (toDevice.value !== undefined) {
    const since = toDevice.value["since"];
    if (since !== undefined && typeof since !== "string") return badJson("extensions.to_device.since must be a string");
    out.toDevice = since === undefined ? {} : { since };
  }
  for (const [key, field] of [["e2ee", "e2ee"], ["account_data", "accountData"], ["typing", "typing"], ["receipts", "receipts"]] as const) {
    const ext = enabled(value, key);
    if (!ext.ok) return ext;
    if (ext.value !== undefined) out[field] = true;
  }
  return ok(out);
}

/** `set_presence`: online, offline or unavailable, else M_INVALID_PARAM (MSC4186, as /v3/sync). */
export function parseSetPresence(value: JsonValue | undefined): Result<SlidingSyncPresence | undefined, SlidingSyncBodyError> {
  if (value === undefined) return ok(undefined);
  if (value === "online" || value === "offline" || value === "unavailable") return ok(value);
  return invalid("set_presence must be online, offline or unavailable");
}

export function parseSlidingSyncRequest(body: JsonObject): Result<SlidingSyncRequest, SlidingSyncBodyError> {
  const pos = body["pos"];
  if (pos !== undefined && typeof pos !== "string") return badJson("pos must be a string");
  const timeout = body["timeout"];
  if (timeout !== undefined && (typeof timeout !== "number" || !Number.isSafeInteger(timeout))) return badJson("timeout must be an integer");
  if (timeout !== undefined && timeout < 0) return invalid("timeout must not be negative");
  const connId = body["conn_id"];
  if (connId !== undefined && typeof connId !== "string") return badJson("conn_id must be a string");
  const presence = parseSetPresence(body["set_presence"]);
  if (!presence.ok) return presence;
  const lists = parseLists(body["lists"]);
  if (!lists.ok) return lists;
  const roomSubscriptions = parseSubscriptions(body["room_subscriptions"]);
  if (!roomSubscriptions.ok) return roomSubscriptions;
  const extensions = parseExtensions(body["extensions"]);
  if (!extensions.ok) return extensions;
  return ok({
    ...(pos === undefined ? {} : { pos }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout }),
    ...(presence.value === undefined ? {} : { setPresence: presence.value }),
    lists: lists.value,
    roomSubscriptions: roomSubscriptions.value,
    extensions: extensions.value,
  });
}

/** The indices of a list of `count` rooms that its ranges select, in order, each once. */
export function indicesInRanges(ranges: ListConfig["ranges"], count: number): number[] {
  if (ranges === undefined) return Array.from({ length: count }, (_, i) => i);
  const picked = new Set<number>();
  for (const [start, end] of ranges) for (let i = start; i <= Math.min(end, count - 1); i++) picked.add(i);
  return [...picked].sort((a, b) => a - b);
}
