// Presence as clients see it, computed at read time: idle users read as unavailable, last_active_ago from the stored time.
import type { JsonObject } from "../json-value";

export const PRESENCE_STATES = ["online", "unavailable", "offline"] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

export const isPresenceState = (value: unknown): value is PresenceState =>
  typeof value === "string" && (PRESENCE_STATES as readonly string[]).includes(value);

/** A user online but without activity for this long reads as unavailable (spec "Idle timeout": e.g. 5 minutes). */
export const IDLE_AFTER_MS = 5 * 60 * 1000;
/** Activity within this window makes an online user `currently_active`. */
export const CURRENTLY_ACTIVE_MS = 60 * 1000;
/**
 * While a user stays currently active, their last-active time is refreshed in place at most this
 * often, without a new presence position: nobody needs an update then (spec "Last active ago":
 * the `currently_active` mechanism). Well below CURRENTLY_ACTIVE_MS, so a client syncing every 30 s
 * never drops out of it.
 */
export const LAST_ACTIVE_REFRESH_MS = 20 * 1000;

export interface StoredPresence {
  readonly state: PresenceState;
  readonly statusMsg: string | null;
  readonly lastActiveTs: number;
}

/** The state after the idle timeout: an online user idle for IDLE_AFTER_MS reads as unavailable. */
export function effectiveState(stored: StoredPresence, now: number): PresenceState {
  return stored.state === "online" && now - stored.lastActiveTs >= IDLE_AFTER_MS ? "unavailable" : stored.state;
}

/** The profile fields an m.presence event carries (spec "Events on Change of Profile Information"); null: not set. */
export interface PresenceProfile {
  readonly displayname: string | null;
  readonly avatarUrl: string | null;
}

/** The content of an m.presence event, and the body of GET /presence/{userId}/status. */
export function presenceContent(stored: StoredPresence, now: number, profile?: PresenceProfile): JsonObject {
  const state = effectiveState(stored, now);
  const ago = Math.max(0, now - stored.lastActiveTs);
  const content: Record<string, JsonObject[string]> = {
    presence: state,
    last_active_ago: ago,
    currently_active: state === "online" && ago < CURRENTLY_ACTIVE_MS,
  };
  if (stored.statusMsg !== null) content["status_msg"] = stored.statusMsg;
  if (profile !== undefined && profile.displayname !== null) content["displayname"] = profile.displayname;
  if (profile !== undefined && profile.avatarUrl !== null) content["avatar_url"] = profile.avatarUrl;
  return content;
}

/** What a /sync with `set_presence` does to the stored presence. */
export type SyncPresenceStep =
  /** Nothing to write. */
  | { readonly kind: "none" }
  /** Refresh last_active_ts in place: no new position, nobody is woken. */
  | { readonly kind: "refresh" }
  /** A change others must see: a new row at a new position. */
  | { readonly kind: "change"; readonly next: StoredPresence };

/**
 * Spec /sync `set_presence`: omitted or `online` marks the user online (and active); `unavailable`
 * marks them idle; `offline` leaves presence alone. A change is only made when what others see
 * changes (state, or the user becoming currently active again); otherwise an online user's
 * activity time is refreshed quietly, so syncing does not wake every long-poll of every room-mate.
 */
export function syncPresenceStep(stored: StoredPresence | undefined, setPresence: PresenceState | undefined, now: number): SyncPresenceStep {
  const wanted = setPresence ?? "online";
  if (wanted === "offline") return { kind: "none" };
  const statusMsg = stored?.statusMsg ?? null;
  if (wanted === "unavailable") {
    if (stored !== undefined && effectiveState(stored, now) === "unavailable") return { kind: "none" };
    return { kind: "change", next: { state: "unavailable", statusMsg, lastActiveTs: stored?.lastActiveTs ?? now } };
  }
  if (stored === undefined || stored.state !== "online" || now - stored.lastActiveTs >= CURRENTLY_ACTIVE_MS) {
    return { kind: "change", next: { state: "online", statusMsg, lastActiveTs: now } };
  }
  return now - stored.lastActiveTs >= LAST_ACTIVE_REFRESH_MS ? { kind: "refresh" } : { kind: "none" };
}
