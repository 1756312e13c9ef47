// Validating an uploaded or inline filter into a typed Filter, with tagged errors (→ M_BAD_JSON / M_INVALID_PARAM at the edge).
import { isJsonObject, type JsonObject } from "../json-value";
import { err, ok, type Result } from "../result";
import type { EventFilter, EventFormat, Filter, RoomEventFilter, RoomFilter } from "./filter-definition";

export interface InvalidFilter {
  readonly _tag: "InvalidFilter";
  readonly reason: "not_object" | "invalid_field";
  /** Where the problem is, e.g. `room.timeline.limit`. */
  readonly path: string;
  readonly message: string;
}

const invalid = (path: string, message: string, reason: InvalidFilter["reason"] = "invalid_field"): InvalidFilter => ({
  _tag: "InvalidFilter",
  reason,
  path,
  message,
});

type Out = { [key: string]: unknown };

/**
 * Reads an optional field with `check`; keys the spec does not define are dropped, as unknown input
 * should be. `null` reads as absent: matrix-js-sdk sends `"rooms": null` and `"contains_url": null`
 * in the filters of its /messages requests.
 */
function field<T>(
  obj: JsonObject,
  name: string,
  path: string,
  out: Out,
  check: (value: unknown, at: string) => Result<T, InvalidFilter>,
): InvalidFilter | undefined {
  if (!Object.hasOwn(obj, name) || obj[name] === null) return undefined;
  const at = path === "" ? name : `${path}.${name}`;
  const parsed = check(obj[name], at);
  if (!parsed.ok) return parsed.error;
  out[name] = parsed.value;
  return undefined;
}

const bool = (value: unknown, at: string): Result<boolean, InvalidFilter> =>
  typeof value === "boolean" ? ok(value) : err(invalid(at, "must be a boolean"));

const positiveInteger = (value: unknown, at: string): Result<number, InvalidFilter> =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0
    ? ok(value)
    : err(invalid(at, "must be an integer greater than 0"));

const stringList =
  (prefix?: string) =>
  (value: unknown, at: string): Result<readonly string[], InvalidFilter> => {
    if (!Array.isArray(value)) return err(invalid(at, "must be an array of strings"));
    for (const item of value as readonly unknown[]) {
      if (typeof item !== "string") return err(invalid(at, "must be an array of strings"));
      if (prefix !== undefined && !item.startsWith(prefix)) return err(invalid(at, `entries must start with '${prefix}'`));
    }
    return ok(value as readonly string[]);
  };

const eventFormat = (value: unknown, at: string): Result<EventFormat, InvalidFilter> =>
  value === "client" || value === "federation" ? ok(value) : err(invalid(at, "must be 'client' or 'federation'"));

function firstError(...errors: readonly (InvalidFilter | undefined)[]): InvalidFilter | undefined {
  return errors.find((e) => e !== undefined);
}

const objectAt = (value: unknown, at: string): Result<JsonObject, InvalidFilter> =>
  isJsonObject(value) ? ok(value) : err(invalid(at, "must be an object", "not_object"));

function eventFilterFields(obj: JsonObject, path: string, out: Out): InvalidFilter | undefined {
  return firstError(
    field(obj, "limit", path, out, positiveInteger),
    field(obj, "types", path, out, stringList()),
    field(obj, "not_types", path, out, stringList()),
    field(obj, "senders", path, out, stringList("@")),
    field(obj, "not_senders", path, out, stringList("@")),
  );
}

export function parseEventFilter(value: unknown, path = ""): Result<EventFilter, InvalidFilter> {
  const obj = objectAt(value, path);
  if (!obj.ok) return obj;
  const out: Out = {};
  const e = eventFilterFields(obj.value, path, out);
  return e ? err(e) : ok(out as EventFilter);
}

export function parseRoomEventFilter(value: unknown, path = ""): Result<RoomEventFilter, InvalidFilter> {
  const obj = objectAt(value, path);
  if (!obj.ok) return obj;
  const o = obj.value;
  const out: Out = {};
  const e = firstError(
    eventFilterFields(o, path, out),
    field(o, "rooms", path, out, stringList("!")),
    field(o, "not_rooms", path, out, stringList("!")),
    field(o, "contains_url", path, out, bool),
    field(o, "lazy_load_members", path, out, bool),
    field(o, "include_redundant_members", path, out, bool),
    field(o, "unread_thread_notifications", path, out, bool),
  );
  return e ? err(e) : ok(out as RoomEventFilter);
}

export function parseRoomFilter(value: unknown, path = "room"): Result<RoomFilter, InvalidFilter> {
  const obj = objectAt(value, path);
  if (!obj.ok) return obj;
  const o = obj.value;
  const out: Out = {};
  const e = firstError(
    field(o, "rooms", path, out, stringList("!")),
    field(o, "not_rooms", path, out, stringList("!")),
    field(o, "include_leave", path, out, bool),
    field(o, "ephemeral", path, out, parseRoomEventFilter),
    field(o, "state", path, out, parseRoomEventFilter),
    field(o, "timeline", path, out, parseRoomEventFilter),
    field(o, "account_data", path, out, parseRoomEventFilter),
  );
  return e ? err(e) : ok(out as RoomFilter);
}

/** The whole definition; the first problem found is reported. */
export function parseFilter(value: unknown): Result<Filter, InvalidFilter> {
  const obj = objectAt(value, "");
  if (!obj.ok) return obj;
  const o = obj.value;
  const out: Out = {};
  const e = firstError(
    field(o, "event_fields", "", out, stringList()),
    field(o, "event_format", "", out, eventFormat),
    field(o, "presence", "", out, parseEventFilter),
    field(o, "account_data", "", out, parseEventFilter),
    field(o, "room", "", out, parseRoomFilter),
  );
  return e ? err(e) : ok(out as Filter);
}
