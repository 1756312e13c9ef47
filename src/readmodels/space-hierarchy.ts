// GET /hierarchy over the D1 read models: the space tree of local rooms the user may see, one batch per tree level.
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { redactEvent } from "../protocol/redaction";
import { membershipConditionRooms } from "../protocol/restricted-join";
import { DEFAULT_ROOM_VERSION, roomVersionRules } from "../protocol/room-versions";
import { err, ok, type Result } from "../protocol/result";
import {
  contentOf,
  followedChildren,
  strippedChild,
  walkHierarchy,
  type HierarchyNode,
  type SpaceChildEvent,
  type WalkOptions,
} from "../protocol/spaces/space-hierarchy";
import type { NotInRoom } from "./room-messages";

export interface HierarchyRequest extends WalkOptions {
  readonly userId: string;
  readonly roomId: string;
  readonly limit: number;
  /** How many rooms of the walk earlier pages returned. */
  readonly offset: number;
}

export interface HierarchyPage {
  readonly rooms: readonly JsonObject[];
  /** The offset the next page starts at, when rooms remain. */
  readonly nextOffset?: number;
}

/** The walk stops loading rooms past this many, so a huge or looping tree costs a bounded number of reads. */
const MAX_ROOMS = 500;

const STATE_TYPES = [
  "m.room.create",
  "m.room.name",
  "m.room.topic",
  "m.room.avatar",
  "m.room.canonical_alias",
  "m.room.join_rules",
  "m.room.history_visibility",
  "m.room.guest_access",
  "m.room.encryption",
  "m.space.child",
];

interface StateRow {
  readonly room_id: string;
  readonly type: string;
  readonly state_key: string;
  readonly event_json: string;
  readonly redacted: number;
}

interface LoadedRoom {
  readonly roomId: string;
  readonly roomVersion: string;
  readonly joined: number;
  /** Single-key state by type (state_key ''), as the client sees it (redacted when redacted). */
  readonly state: ReadonlyMap<string, JsonObject>;
  readonly node: HierarchyNode;
}

const str = (value: JsonValue | undefined): string | undefined => (typeof value === "string" ? value : undefined);

/** The rooms' state, join counts and the user's memberships (in these rooms and everywhere, for restricted rooms): one round trip. */
async function loadRooms(db: D1Database, userId: string, roomIds: readonly string[]): Promise<Map<string, LoadedRoom>> {
  const list = JSON.stringify(roomIds);
  const [versions, state, counts, memberships] = await db.batch([
    db.prepare("SELECT room_id, room_version FROM rooms WHERE room_id IN (SELECT value FROM json_each(?))").bind(list),
    db
      .prepare(
        `SELECT cs.room_id, cs.type, cs.state_key, e.event_json, e.redacted_because IS NOT NULL AS redacted
         FROM current_state cs JOIN events e ON e.event_id = cs.event_id
         WHERE cs.room_id IN (SELECT value FROM json_each(?1)) AND cs.type IN (SELECT value FROM json_each(?2))
           AND (cs.state_key = '' OR cs.type = 'm.space.child')`,
      )
      .bind(list, JSON.stringify(STATE_TYPES)),
    db
      .prepare("SELECT room_id, COUNT(*) AS n FROM memberships WHERE room_id IN (SELECT value FROM json_each(?)) AND membership = 'join' GROUP BY room_id")
      .bind(list),
    db.prepare("SELECT room_id, membership FROM memberships WHERE user_id = ? AND membership IN ('join', 'invite', 'ban')").bind(userId),
  ]);
  const versionOf = new Map(((versions?.results ?? []) as { room_id: string; room_version: string }[]).map((r) => [r.room_id, r.room_version]));
  const joinCounts = new Map(((counts?.results ?? []) as { room_id: string; n: number }[]).map((r) => [r.room_id, r.n]));
  const mine = new Map(((memberships?.results ?? []) as { room_id: string; membership: string }[]).map((r) => [r.room_id, r.membership]));
  const stateByRoom = new Map<string, StateRow[]>();
  for (const row of (state?.results ?? []) as StateRow[]) {
    const rows = stateByRoom.get(row.room_id) ?? [];
    stateByRoom.set(row.room_id, rows);
    rows.push(row);
  }
  const out = new Map<string, LoadedRoom>();
  for (const roomId of roomIds) {
    const roomVersion = versionOf.get(roomId);
    // Only rooms this server has: no federation walk.
    if (roomVersion === undefined) continue;
    const rules = roomVersionRules(roomVersion) ?? roomVersionRules(DEFAULT_ROOM_VERSION);
    const single = new Map<string, JsonObject>();
    const children: SpaceChildEvent[] = [];
    for (const row of stateByRoom.get(roomId) ?? []) {
      const raw = JSON.parse(row.event_json) as JsonObject;
      const pdu = row.redacted !== 0 && rules !== undefined ? redactEvent(rules, raw) : raw;
      if (row.type === "m.space.child") {
        children.push({
          state_key: row.state_key,
          sender: str(pdu["sender"]) ?? "",
          origin_server_ts: typeof pdu["origin_server_ts"] === "number" ? pdu["origin_server_ts"] : 0,
          content: contentOf(pdu),
        });
      } else single.set(row.type, pdu);
    }
    const joinRules = contentOf(single.get("m.room.join_rules") ?? {});
    const joinRule = str(joinRules["join_rule"]);
    const visibility = str(contentOf(single.get("m.room.history_visibility") ?? {})["history_visibility"]);
    const membership = mine.get(roomId);
    const isSpace = str(contentOf(single.get("m.room.create") ?? {})["type"]) === "m.space";
    const restrictedOk =
      (joinRule === "restricted" || joinRule === "knock_restricted") && membershipConditionRooms(joinRules["allow"]).some((id) => mine.get(id) === "join");
    // Spec (GET /hierarchy): rooms the user could join or peek into: joined or invited, joinable
    // by anyone (public, knock), by a room the user is in (restricted), or world readable; never
    // a room the user is banned from.
    const accessible =
      membership !== "ban" &&
      (membership !== undefined || joinRule === "public" || joinRule === "knock" || joinRule === "knock_restricted" || restrictedOk || visibility === "world_readable");
    // Only a space-room has children (spec: children_state is empty for other rooms).
    const node = { accessible, children: isSpace ? children : [] };
    out.set(roomId, { roomId, roomVersion, joined: joinCounts.get(roomId) ?? 0, state: single, node });
  }
  return out;
}

/** The spec's room chunk (PublishedRoomsChunk fields, the room summary's, and `children_state`). */
function roomChunk(room: LoadedRoom, options: WalkOptions): JsonObject {
  const field = (type: string, key: string): string | undefined => str(contentOf(room.state.get(type) ?? {})[key]);
  const joinRules = contentOf(room.state.get("m.room.join_rules") ?? {});
  const joinRule = str(joinRules["join_rule"]);
  const optional: Record<string, JsonValue> = {};
  const fields: Record<string, string | undefined> = {
    name: field("m.room.name", "name"),
    topic: field("m.room.topic", "topic"),
    canonical_alias: field("m.room.canonical_alias", "alias"),
    avatar_url: field("m.room.avatar", "url"),
    join_rule: joinRule,
    room_type: field("m.room.create", "type"),
    encryption: field("m.room.encryption", "algorithm"),
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) optional[key] = value;
  if (joinRule === "restricted" || joinRule === "knock_restricted") optional["allowed_room_ids"] = membershipConditionRooms(joinRules["allow"]);
  return {
    room_id: room.roomId,
    num_joined_members: room.joined,
    world_readable: field("m.room.history_visibility", "history_visibility") === "world_readable",
    guest_can_join: field("m.room.guest_access", "guest_access") === "can_join",
    room_version: room.roomVersion,
    ...optional,
    children_state: followedChildren(room.node, { ...options, suggestedOnly: false }).map(strippedChild),
  };
}

/**
 * One page of the walk from `roomId`: rooms are loaded a tree level at a time (one D1 batch per
 * level, at most MAX_ROOMS rooms), then listed depth first (protocol/spaces/space-hierarchy).
 * The root must be a local room the user may see (else 403, like any room the user may not see).
 */
export async function spaceHierarchy(db: D1Database, request: HierarchyRequest): Promise<Result<HierarchyPage, NotInRoom>> {
  const loaded = new Map<string, LoadedRoom>();
  let frontier = [request.roomId];
  for (let depth = 0; frontier.length > 0 && loaded.size < MAX_ROOMS; depth++) {
    const rooms = await loadRooms(db, request.userId, frontier.slice(0, MAX_ROOMS - loaded.size));
    for (const [id, room] of rooms) loaded.set(id, room);
    if (depth >= request.maxDepth) break;
    const next = new Set<string>();
    for (const room of rooms.values()) {
      if (!room.node.accessible) continue;
      for (const child of followedChildren(room.node, request)) if (!loaded.has(child.state_key)) next.add(child.state_key);
    }
    frontier = [...next].filter((id) => !frontier.includes(id));
  }
  if (loaded.get(request.roomId)?.node.accessible !== true) {
    return err({ _tag: "NotInRoom", reason: "You may not see this room", roomId: request.roomId });
  }
  const nodes = new Map([...loaded].map(([id, room]) => [id, room.node]));
  const order = walkHierarchy(request.roomId, nodes, request);
  const page = order.slice(request.offset, request.offset + request.limit);
  const rooms = page.map((id) => roomChunk(loaded.get(id)!, request));
  const end = request.offset + page.length;
  return ok({ rooms, ...(end < order.length ? { nextOffset: end } : {}) });
}
