// A room's members from the D1 read models: /joined_members (current joins with profiles) and /members (member events at a position).
import { isJsonObject, type JsonValue } from "../protocol/json-value";
import { readablePositionAtOrBelow } from "../protocol/readable-position";
import { err, ok, type Result } from "../protocol/result";
import type { ClientEvent } from "./client-event";
import { EVENT_COLUMNS, type EventRow, parseEventJson, toClientEvents } from "./event-rows";
import { OPEN_END, visibleRangesFor } from "./history-visibility";
import type { NotInRoom } from "./room-messages";
import { membershipOf } from "./room-queries";
import { parseSyncToken, type InvalidSyncToken } from "./sync-token";

export const MEMBERSHIPS = ["join", "invite", "knock", "leave", "ban"] as const;
export type MembershipValue = (typeof MEMBERSHIPS)[number];

export const isMembershipValue = (text: string): text is MembershipValue => (MEMBERSHIPS as readonly string[]).includes(text);

/** What /joined_members says of each member: the profile their join event carries, null where it has none. */
export interface JoinedMember {
  readonly display_name: string | null;
  readonly avatar_url: string | null;
}

const NO_PROFILE: JoinedMember = { display_name: null, avatar_url: null };

/** GET /joined_members: only a current member may ask (spec: "The current user must be in the room"). */
export async function joinedMembers(db: D1Database, userId: string, roomId: string): Promise<Result<Record<string, JoinedMember>, NotInRoom>> {
  const mine = await membershipOf(db, userId, roomId);
  if (mine?.membership !== "join") return err({ _tag: "NotInRoom", reason: "You aren't a member of the room", roomId });
  const rows = await db
    .prepare(
      `SELECT m.user_id, ${EVENT_COLUMNS} FROM memberships m JOIN events e ON e.event_id = m.event_id
       WHERE m.room_id = ? AND m.membership = 'join' ORDER BY m.user_id`,
    )
    .bind(roomId)
    .all<EventRow & { user_id: string }>();
  const joined: Record<string, JoinedMember> = {};
  for (const row of rows.results) joined[row.user_id] = profileOfJoin(row);
  return ok(joined);
}

function profileOfJoin(row: EventRow): JoinedMember {
  // A redacted join keeps only `membership`: its profile is gone with the rest of the content.
  if (row.redacted_because !== null) return NO_PROFILE;
  const content = parseEventJson(row)["content"];
  if (!isJsonObject(content)) return NO_PROFILE;
  const name = content["displayname"];
  const avatar = content["avatar_url"];
  return { display_name: typeof name === "string" ? name : null, avatar_url: typeof avatar === "string" ? avatar : null };
}

export interface MembersRequest {
  readonly userId: string;
  readonly deviceId?: string;
  readonly roomId: string;
  /** A sync or /messages token; absent means the current state. */
  readonly at?: string;
  readonly membership?: MembershipValue;
  readonly notMembership?: MembershipValue;
  readonly now: number;
}

/**
 * The spec makes the two filters an "or" when both are given: kept if the membership equals
 * `membership` or differs from `not_membership`. Each alone filters as its name says.
 */
export function membershipMatches(value: string, membership: MembershipValue | undefined, notMembership: MembershipValue | undefined): boolean {
  if (membership !== undefined && notMembership !== undefined) return value === membership || value !== notMembership;
  if (membership !== undefined) return value === membership;
  if (notMembership !== undefined) return value !== notMembership;
  return true;
}

// Each member's m.room.member event as of a position: the last change of its state key at or before it.
const MEMBERS_AT = `
  SELECT ${EVENT_COLUMNS} FROM events e WHERE e.event_id IN (
    SELECT sc.event_id FROM state_changes sc
    WHERE sc.room_id = ?1 AND sc.type = 'm.room.member' AND sc.event_id IS NOT NULL AND sc.stream_pos = (
      SELECT MAX(s2.stream_pos) FROM state_changes s2
      WHERE s2.room_id = sc.room_id AND s2.type = sc.type AND s2.state_key = sc.state_key AND s2.stream_pos <= ?2))
  ORDER BY e.stream_pos`;

/**
 * GET /members. A member sees the state at `at` (or now); a former member (left or banned) sees it
 * at most as of their leaving, as for /messages, so nothing after they left leaks. Anyone else
 * (never joined, invited, knocking) sees it where history visibility lets them read the room, as
 * for /state: a `world_readable` room's current members, or those of the last readable position
 * at or below `at`.
 */
export async function roomMembers(db: D1Database, request: MembersRequest): Promise<Result<ClientEvent[], InvalidSyncToken | NotInRoom>> {
  const at = request.at === undefined || request.at === "" ? undefined : parseSyncToken(request.at);
  if (at !== undefined && !at.ok) return err(at.error);
  const position = await readPosition(db, request, at?.value.pdu ?? OPEN_END);
  if (position === undefined) {
    return err({ _tag: "NotInRoom", reason: "You aren't a member of the room and weren't previously a member of the room", roomId: request.roomId });
  }
  const rows = await db.prepare(MEMBERS_AT).bind(request.roomId, position).all<EventRow>();
  const kept = rows.results.filter((row) => membershipMatches(membershipOfRow(row), request.membership, request.notMembership));
  return ok(
    await toClientEvents(db, kept, {
      now: request.now,
      includeRoomId: true,
      viewer: { userId: request.userId, ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }) },
    }),
  );
}

/** Where the requester may read the members, at most `wanted`; undefined: nowhere. */
async function readPosition(db: D1Database, request: MembersRequest, wanted: number): Promise<number | undefined> {
  const mine = await membershipOf(db, request.userId, request.roomId);
  if (mine?.membership === "join") return wanted;
  if (mine?.membership === "leave" || mine?.membership === "ban") return Math.min(wanted, mine.stream_pos);
  return readablePositionAtOrBelow(await visibleRangesFor(db, request.userId, request.roomId), wanted);
}

// `membership` survives redaction in every room version, so the stored JSON always has it.
function membershipOfRow(row: EventRow): string {
  const content: JsonValue | undefined = parseEventJson(row)["content"];
  const value = isJsonObject(content) ? content["membership"] : undefined;
  return typeof value === "string" ? value : "";
}
