// Room history visibility (client-server spec, "Room History Visibility"): which events a user may see.

export const HISTORY_VISIBILITIES = ["world_readable", "shared", "invited", "joined"] as const;
export type HistoryVisibility = (typeof HISTORY_VISIBILITIES)[number];

/**
 * The `history_visibility` of an `m.room.history_visibility` content value. With no such state,
 * or a value the server does not understand, the spec says to assume `shared`.
 */
export function historyVisibilityOf(value: unknown): HistoryVisibility {
  return typeof value === "string" && (HISTORY_VISIBILITIES as readonly string[]).includes(value) ? (value as HistoryVisibility) : "shared";
}

/** The two parts of the room state that decide visibility: the setting and the user's membership. */
export interface ViewState {
  readonly visibility: HistoryVisibility;
  /** The user's `membership`, or undefined when the state has no member event for them. */
  readonly membership: string | undefined;
}

/** What the decision needs to know of the user beyond the state at the event. */
export interface ViewerHistory {
  /** The user has been joined to the room at some point (the spec: "a user needs to join a room"). */
  readonly everJoined: boolean;
  /** The user joined the room at a point after the event was sent (rule 3). */
  readonly joinedAfterEvent: boolean;
}

/**
 * The spec's rules for one state of the room:
 * 1. `world_readable`: allow (any user, even one who never joined).
 * Otherwise a user must have joined the room at some point ("In all cases except world_readable,
 * a user needs to join a room to view events in that room"); then:
 * 2. membership `join`: allow;
 * 3. `shared` and the user joined after the event: allow;
 * 4. membership `invite` and `invited`: allow;
 * 5. otherwise deny.
 */
export function allowedAt(state: ViewState, viewer: ViewerHistory): boolean {
  if (state.visibility === "world_readable") return true;
  if (!viewer.everJoined) return false;
  if (state.membership === "join") return true;
  if (state.visibility === "shared" && viewer.joinedAfterEvent) return true;
  return state.membership === "invite" && state.visibility === "invited";
}

/**
 * Whether the user may see one event, given the state just before it and just after it. For most
 * events the two are equal. They differ only for an `m.room.history_visibility` event (the setting
 * changes) and for the user's own `m.room.member` event (their membership changes), and for those
 * two the spec allows the event when the state before *or* after it would: a user sees a change of
 * the setting in either direction, and sees their own join and their own leave.
 */
export function mayViewEvent(before: ViewState, after: ViewState, viewer: ViewerHistory): boolean {
  return allowedAt(before, viewer) || allowedAt(after, viewer);
}

/** The state with neither a history visibility event nor a member event for the user. */
export const INITIAL_VIEW_STATE: ViewState = { visibility: "shared", membership: undefined };

/** The view state after a change at `pos` (a stream position): the setting or the membership changed there. */
export interface ViewChange {
  readonly pos: number;
  readonly after: ViewState;
}

/** Inclusive range of stream positions. */
export type PositionRange = readonly [low: number, high: number];

/** The open end of the last range: every later position. */
export const OPEN_END = Number.MAX_SAFE_INTEGER;

/**
 * The positions whose events the user may see, as sorted, disjoint, inclusive ranges. `changes`
 * are the positions (ascending) where the history visibility or this user's membership changed,
 * each with the state after it. Between two changes the state is constant, so each stretch is
 * decided once; each change's own position is decided by the before-or-after rule.
 */
export function visibleRanges(changes: readonly ViewChange[]): PositionRange[] {
  const joins = changes.filter((c) => c.after.membership === "join").map((c) => c.pos);
  const lastJoin = joins.length === 0 ? 0 : Math.max(...joins);
  const everJoined = joins.length > 0;
  const viewer = (afterPos: number): ViewerHistory => ({ everJoined, joinedAfterEvent: lastJoin > afterPos });
  const out: [number, number][] = [];
  const add = (low: number, high: number): void => {
    if (high < low) return;
    const last = out.at(-1);
    if (last !== undefined && last[1] >= low - 1) last[1] = Math.max(last[1], high);
    else out.push([low, high]);
  };
  let state = INITIAL_VIEW_STATE;
  let from = 1;
  for (const change of changes) {
    // The stretch before this change: state constant; a join after any of it is a join at or after `change.pos`.
    if (allowedAt(state, viewer(from - 1))) add(from, change.pos - 1);
    if (mayViewEvent(state, change.after, viewer(change.pos))) add(change.pos, change.pos);
    state = change.after;
    from = change.pos + 1;
  }
  if (allowedAt(state, viewer(from - 1))) add(from, OPEN_END);
  return out;
}

/** Whether `pos` lies in one of `ranges`. */
export function inRanges(ranges: readonly PositionRange[], pos: number): boolean {
  return ranges.some(([low, high]) => pos >= low && pos <= high);
}
