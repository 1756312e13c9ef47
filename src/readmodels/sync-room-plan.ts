// Which rooms a /sync sends in which section, and what each room's state section asks for: decided before anything of them is read.
import { roomFilterIncludes } from "../protocol/filters/event-filter-match";
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import type { RoomsInput } from "./sync-rooms";
import type { SyncMembership } from "./sync-snapshot";
import type { StateQuery } from "./sync-state";
import type { RoomTimeline, TimelineQuery } from "./sync-timeline";

/** A joined or left room whose section this sync assembles. */
export interface RoomPlan {
  readonly membership: SyncMembership;
  readonly left: boolean;
  /** The client has none of this room's state: full state, newest events, all room account data. */
  readonly fresh: boolean;
  /** Load the timeline (and state); false when only account data (or later ephemeral data) changed. */
  readonly content: boolean;
  readonly timeline: TimelineQuery;
}

/** Which rooms to send, by section, before anything of them is read. */
export function planRooms(input: RoomsInput): { rooms: RoomPlan[]; stripped: SyncMembership[] } {
  const { since, filter } = input;
  const roomFilter = filter?.room;
  const includeLeave = roomFilter?.include_leave === true;
  const rooms: RoomPlan[] = [];
  const stripped: SyncMembership[] = [];
  const timeline = (m: SyncMembership, fresh: boolean, upTo: number): TimelineQuery => ({
    roomId: m.room_id,
    after: fresh ? 0 : (since ?? 0),
    upTo,
    visible: input.visible.get(m.room_id) ?? [],
  });
  for (const m of input.memberships) {
    if (!roomFilterIncludes(roomFilter, m.room_id)) continue;
    const changedSince = since === undefined || m.stream_pos > since;
    switch (m.membership) {
      case "join": {
        // A room joined since the token is new to the client, as in an initial sync (a member event
        // that left the user joined, a display name change, is not a join).
        const fresh = changedSince && !input.joinedAtSince.has(m.room_id);
        const content = fresh || input.fullState || input.movedRooms === undefined || input.movedRooms.has(m.room_id);
        if (!content && !input.accountData.rooms.has(m.room_id) && input.extraSections?.has(m.room_id) !== true) continue;
        rooms.push({ membership: m, left: false, fresh, content, timeline: timeline(m, fresh, input.position) });
        break;
      }
      case "invite":
      case "knock":
        if (changedSince || input.fullState) stripped.push(m);
        break;
      case "leave":
      case "ban": {
        // A leave appears once, in the sync that sees it; older ones only with include_leave on a
        // sync that starts afresh. A left user sees the room up to their leave.
        const newlyLeft = since !== undefined && changedSince;
        const history = includeLeave && (since === undefined || input.fullState);
        if ((!newlyLeft && !history) || input.hiddenLeftRooms.has(m.room_id)) continue;
        const fresh = since === undefined || (input.fullState && !newlyLeft);
        rooms.push({ membership: m, left: true, fresh, content: true, timeline: timeline(m, fresh, m.stream_pos) });
        break;
      }
    }
  }
  return { rooms, stripped };
}

/**
 * The state section's queries for a room, given its timeline; lazy loading narrows member events
 * to `members`. The section is the state at the timeline's start (`state`), or with
 * `use_state_after` at its end (`state_after`, spec v1.16): then an incremental sync sends every
 * key that changed after the token, timeline events included, limited or not.
 */
export function stateQueries(input: RoomsInput, plan: RoomPlan, timeline: RoomTimeline, members: ReadonlySet<string> | undefined): StateQuery[] {
  const roomId = plan.membership.room_id;
  const at = input.useStateAfter ? plan.timeline.upTo : timeline.start;
  const lazy = members === undefined ? {} : { members };
  if (plan.fresh || input.fullState) return [{ kind: "full", roomId, at, ...lazy }];
  const since = input.since ?? 0;
  const queries: StateQuery[] = [];
  if (timeline.limited || input.useStateAfter) queries.push({ kind: "delta", roomId, from: since, at, ...lazy });
  // Lazy loading: the senders' member events as of the timeline's start; the client may never have
  // been sent them (redundant ones are allowed, and without a per-device record this server cannot
  // tell which are).
  if (members !== undefined && timeline.events.length > 0) queries.push({ kind: "members", roomId, at, members });
  return queries;
}

/**
 * Lazy loading: the members whose events the state section carries (undefined: lazy loading is
 * off): the timeline's senders, the heroes being sent, and the user's own (`ownUserId`, given
 * when the client is sent the room's state afresh; afterwards it has it).
 */
export function lazyMembers(
  filter: RoomEventFilter | undefined,
  ownUserId: string | undefined,
  timeline: RoomTimeline,
  heroes: readonly string[] | undefined,
): ReadonlySet<string> | undefined {
  if (filter?.lazy_load_members !== true) return undefined;
  const wanted = new Set<string>(timeline.events.map((e) => e.sender));
  if (ownUserId !== undefined) wanted.add(ownUserId);
  for (const hero of heroes ?? []) wanted.add(hero);
  return wanted;
}
