// Whether an event passes an EventFilter or RoomEventFilter: absent lists allow all, empty lists allow none, not_* wins.
import { isJsonObject, type JsonObject } from "../json-value";
import type { EventFilter, RoomEventFilter, RoomFilter } from "./filter-definition";

/** `*` matches any run of characters (types only); everything else, including `?`, is literal and case-sensitive. */
export function typePatternMatches(pattern: string, type: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === type;
  const first = parts[0] ?? "";
  const last = parts[parts.length - 1] ?? "";
  if (type.length < first.length + last.length || !type.startsWith(first) || !type.endsWith(last)) return false;
  // Leftmost placement of each middle part is optimal once the ends are fixed.
  let at = first.length;
  const end = type.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = type.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** The include/exclude rule every list pair shares; a value that is absent fails any include list. */
function allowed(
  value: string | undefined,
  include: readonly string[] | undefined,
  exclude: readonly string[] | undefined,
  matches: (entry: string, value: string) => boolean,
): boolean {
  if (value !== undefined && exclude?.some((entry) => matches(entry, value))) return false;
  if (include === undefined) return true;
  return value !== undefined && include.some((entry) => matches(entry, value));
}

const exact = (entry: string, value: string): boolean => entry === value;

const stringProp = (event: JsonObject, name: string): string | undefined => {
  const value = event[name];
  return typeof value === "string" ? value : undefined;
};

/** Which room an event belongs to: sync omits `room_id` from events, so callers may name it. */
export interface EventFilterContext {
  readonly roomId?: string;
}

/**
 * Applies types, senders and (for room filters) rooms and contains_url. The limit is not applied
 * here: how many events to keep, and from which end, is each endpoint's business.
 */
export function eventMatchesFilter(
  filter: EventFilter | RoomEventFilter,
  event: JsonObject,
  context: EventFilterContext = {},
): boolean {
  if (!allowed(stringProp(event, "type"), filter.types, filter.not_types, typePatternMatches)) return false;
  if (!allowed(stringProp(event, "sender"), filter.senders, filter.not_senders, exact)) return false;
  if (!("rooms" in filter || "not_rooms" in filter || "contains_url" in filter)) return true;
  const roomFilter = filter as RoomEventFilter;
  const roomId = context.roomId ?? stringProp(event, "room_id");
  if (!allowed(roomId, roomFilter.rooms, roomFilter.not_rooms, exact)) return false;
  if (roomFilter.contains_url !== undefined) {
    const content = event["content"];
    const hasUrl = isJsonObject(content) && Object.hasOwn(content, "url");
    if (hasUrl !== roomFilter.contains_url) return false;
  }
  return true;
}

/** The room-level `rooms` / `not_rooms`, applied before the per-section filters. */
export const roomFilterIncludes = (filter: RoomFilter | undefined, roomId: string): boolean =>
  allowed(roomId, filter?.rooms, filter?.not_rooms, exact);

export const filterEvents = <E extends JsonObject>(
  filter: EventFilter | RoomEventFilter | undefined,
  events: readonly E[],
  context: EventFilterContext = {},
): readonly E[] => (filter === undefined ? events : events.filter((e) => eventMatchesFilter(filter, e, context)));
