// A RoomEventFilter's types, senders and contains_url as an SQL condition on an events row, so limits apply after filtering (/sync, /messages, /context).
import { roomFilterIncludes } from "../protocol/filters/event-filter-match";
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { typePatternToGlob } from "../protocol/filters/type-glob";

/** An SQL condition with its `?` parameters in order. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

export const TRUE_CONDITION: SqlCondition = { sql: "1", params: [] };

const json = (values: readonly string[]): string => JSON.stringify(values);

/**
 * The condition an event row must meet to pass `filter` (undefined: every event passes). Lists
 * travel as one JSON parameter each, so long lists meet no bound-parameter limit. A redacted
 * event has no `url` left in its content, so contains_url sees it as the client will.
 */
export function eventFilterCondition(filter: RoomEventFilter | undefined, alias = "e"): SqlCondition {
  if (filter === undefined) return TRUE_CONDITION;
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (filter.types !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM json_each(?) t WHERE ${alias}.type GLOB t.value)`);
    params.push(json(filter.types.map(typePatternToGlob)));
  }
  if (filter.not_types !== undefined && filter.not_types.length > 0) {
    parts.push(`NOT EXISTS (SELECT 1 FROM json_each(?) t WHERE ${alias}.type GLOB t.value)`);
    params.push(json(filter.not_types.map(typePatternToGlob)));
  }
  if (filter.senders !== undefined) {
    parts.push(`${alias}.sender IN (SELECT value FROM json_each(?))`);
    params.push(json(filter.senders));
  }
  if (filter.not_senders !== undefined && filter.not_senders.length > 0) {
    parts.push(`${alias}.sender NOT IN (SELECT value FROM json_each(?))`);
    params.push(json(filter.not_senders));
  }
  if (filter.contains_url === true) parts.push(`(${alias}.redacted_because IS NULL AND json_type(${alias}.event_json, '$.content.url') IS NOT NULL)`);
  if (filter.contains_url === false) parts.push(`(${alias}.redacted_because IS NOT NULL OR json_type(${alias}.event_json, '$.content.url') IS NULL)`);
  return parts.length === 0 ? TRUE_CONDITION : { sql: parts.join(" AND "), params };
}

/** A section filter's own `rooms` / `not_rooms` (the room-level ones are applied before). */
export const sectionIncludesRoom = (filter: RoomEventFilter | undefined, roomId: string): boolean => roomFilterIncludes(filter, roomId);
