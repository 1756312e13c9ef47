// Unread notification and highlight counts of one room for one user: the push rules run over the events after their read position.
import type { StateLookup } from "../protocol/auth/auth-types";
import { INFINITE_POWER, roomPowerFromState, userPowerLevel } from "../protocol/auth/power-levels";
import { isJsonObject, type JsonObject } from "../protocol/json-value";
import type { Pdu, RoomEvent } from "../protocol/pdu";
import { evaluatePushRules, type PushEvaluationContext } from "../protocol/push/evaluate-push-rules";
import { DEFAULT_ROOM_VERSION, roomVersionRules } from "../protocol/room-versions";
import { effectivePushRules } from "./push-rule-store";

/** The `unread_notifications` object of a joined room in /sync. */
export interface UnreadCounts {
  readonly notification_count: number;
  readonly highlight_count: number;
}

export interface CountUnreadOptions {
  /** Count only events at or below this position (the sync's snapshot), so counts agree with the timeline. */
  readonly upTo?: number;
  /** At most this many of the newest unread events are evaluated, bounding the work for a long-unread room. */
  readonly maxEvents?: number;
}

const DEFAULT_MAX_EVENTS = 1000;

interface StateRow {
  readonly type: string;
  readonly state_key: string;
  readonly event_id: string;
  readonly event_json: string;
}

/** Power levels and names as the push conditions need them; creators' infinite power is above any level. */
function evaluationContext(
  userId: string,
  roomVersion: string,
  stateRows: readonly StateRow[],
  memberCount: number,
): (sender: string) => PushEvaluationContext {
  const rules = roomVersionRules(roomVersion) ?? roomVersionRules(DEFAULT_ROOM_VERSION);
  const byKey = new Map<string, RoomEvent>(
    stateRows.map((row) => [`${row.type}\u0000${row.state_key}`, { eventId: row.event_id, pdu: JSON.parse(row.event_json) as Pdu }]),
  );
  const state: StateLookup = (type, stateKey) => byKey.get(`${type}\u0000${stateKey}`);
  const power = rules === undefined ? undefined : roomPowerFromState(rules, state);
  const notificationPowerLevels = Object.fromEntries(power?.levels.notifications ?? []);
  const displayName = state("m.room.member", userId)?.pdu.content["displayname"];
  return (sender) => {
    const level = power === undefined ? 0 : userPowerLevel(power, sender);
    return {
      userId,
      ...(typeof displayName === "string" ? { displayName } : {}),
      memberCount,
      senderPowerLevel: level === INFINITE_POWER ? Number.MAX_SAFE_INTEGER : level,
      notificationPowerLevels,
    };
  };
}

/**
 * Counts the events after `sinceReceiptPos` (a stream position: the user's read receipt, or their
 * join when they have none) whose push actions notify, and among them those that highlight. The
 * user's own events never count (spec "Push Rules"), nor do rejected, soft-failed or redacted ones.
 * Member count, power levels and the user's display name are the room's current ones, not those
 * at each event: close enough for a count, and it costs one read instead of one per event.
 */
export async function countUnread(
  db: D1Database,
  userId: string,
  roomId: string,
  sinceReceiptPos: number,
  options: CountUnreadOptions = {},
): Promise<UnreadCounts> {
  const upTo = options.upTo ?? Number.MAX_SAFE_INTEGER;
  const [version, state, members, events] = await db.batch([
    db.prepare("SELECT room_version FROM rooms WHERE room_id = ?").bind(roomId),
    db
      .prepare(
        `SELECT cs.type, cs.state_key, cs.event_id, e.event_json FROM current_state cs JOIN events e ON e.event_id = cs.event_id
         WHERE cs.room_id = ?1 AND ((cs.type IN ('m.room.create', 'm.room.power_levels') AND cs.state_key = '')
           OR (cs.type = 'm.room.member' AND cs.state_key = ?2))`,
      )
      .bind(roomId, userId),
    db.prepare("SELECT COUNT(*) AS n FROM memberships WHERE room_id = ? AND membership = 'join'").bind(roomId),
    db
      .prepare(
        `SELECT sender, event_json FROM events
         WHERE room_id = ? AND status = 'accepted' AND redacted_because IS NULL AND sender <> ?
           AND stream_pos > ? AND stream_pos <= ?
         ORDER BY stream_pos DESC LIMIT ?`,
      )
      .bind(roomId, userId, sinceReceiptPos, upTo, options.maxEvents ?? DEFAULT_MAX_EVENTS),
  ]);
  const eventRows = (events?.results ?? []) as { sender: string; event_json: string }[];
  if (eventRows.length === 0) return { notification_count: 0, highlight_count: 0 };
  const roomVersion = (version?.results[0] as { room_version: string } | undefined)?.room_version ?? DEFAULT_ROOM_VERSION;
  const memberCount = (members?.results[0] as { n: number } | undefined)?.n ?? 0;
  const contextFor = evaluationContext(userId, roomVersion, (state?.results ?? []) as StateRow[], memberCount);
  const ruleset = await effectivePushRules(db, userId);
  let notification_count = 0;
  let highlight_count = 0;
  for (const row of eventRows) {
    const event: unknown = JSON.parse(row.event_json);
    if (!isJsonObject(event)) continue;
    const match = evaluatePushRules(ruleset, event as JsonObject, contextFor(row.sender));
    if (match === null || !match.notify) continue;
    notification_count++;
    if (match.highlight) highlight_count++;
  }
  return { notification_count, highlight_count };
}
