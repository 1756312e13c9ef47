// The account-data parts of a /sync response: changed account data split into global and per-room events, filtered.
import { eventMatchesFilter, roomFilterIncludes } from "../protocol/filters/event-filter-match";
import type { Filter } from "../protocol/filters/filter-definition";
import type { JsonObject } from "../protocol/json-value";
import type { AccountDataChange } from "./account-data";

export interface AccountDataSections {
  /** The top-level `account_data.events`. */
  readonly global: JsonObject[];
  /** Each room's `account_data.events` (m.tag included), by room ID. */
  readonly rooms: ReadonlyMap<string, JsonObject[]>;
}

/**
 * Account data events are `{type, content}` (no sender, no room_id in sync). The filter's
 * `account_data` applies to global data; `room.rooms`/`not_rooms` and `room.account_data` to
 * per-room data. Limits are not applied: a change cut off here would never be sent again.
 */
export function accountDataSections(changes: readonly AccountDataChange[], filter: Filter | undefined): AccountDataSections {
  const global: JsonObject[] = [];
  const rooms = new Map<string, JsonObject[]>();
  for (const change of changes) {
    const event: JsonObject = { type: change.type, content: change.content };
    if (change.roomId === undefined) {
      if (filter?.account_data === undefined || eventMatchesFilter(filter.account_data, event)) global.push(event);
      continue;
    }
    const roomId = change.roomId;
    if (!roomFilterIncludes(filter?.room, roomId)) continue;
    const roomData = filter?.room?.account_data;
    if (roomData !== undefined && !eventMatchesFilter(roomData, event, { roomId })) continue;
    const list = rooms.get(roomId);
    if (list === undefined) rooms.set(roomId, [event]);
    else list.push(event);
  }
  return { global, rooms };
}
