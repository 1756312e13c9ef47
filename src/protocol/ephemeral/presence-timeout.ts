// When the server itself changes a user's presence: idle (online → unavailable) and gone (→ offline).
import type { PresenceState } from "./presence-view";

export interface PresenceTiming {
  /** An online user without activity for this long becomes unavailable (spec "Idle timeout"). */
  readonly idleMs: number;
  /** A user whose clients made no request for this long becomes offline (when watched, see below). */
  readonly offlineMs: number;
}

/** What the timer knows of a user at the moment it looks. */
export interface TimerSubject {
  readonly state: PresenceState;
  readonly lastActiveTs: number;
  /** The latest request of any of the user's devices (their last-seen time), null when none is known. */
  readonly lastSeenTs: number | null;
  /**
   * The user went online through /sync: they go offline once their clients stop talking to the
   * server (Synapse: some time after the last sync). Users who only set presence with PUT are not
   * watched: nothing tells when such a client goes away, so only the idle timeout applies to them.
   */
  readonly watchOffline: boolean;
}

export type TimeoutStep =
  /** Write this state now (a visible change: a new presence position). */
  | { readonly kind: "set"; readonly state: "unavailable" | "offline" }
  /** Nothing yet: look again at `until`. */
  | { readonly kind: "wait"; readonly until: number }
  /** Nothing will ever be due (offline, or unavailable and not watched): the timer can stop. */
  | { readonly kind: "done" };

/**
 * The next thing the timer does for `subject` at `now`. Going offline is checked first: a user
 * whose client went away is offline, not merely idle. The offline deadline runs from the later of
 * the last activity and the last request, so a PUT counts as a sign of life too.
 */
export function presenceTimeoutStep(subject: TimerSubject, timing: PresenceTiming, now: number): TimeoutStep {
  if (subject.state === "offline") return { kind: "done" };
  const offlineAt = subject.watchOffline ? Math.max(subject.lastActiveTs, subject.lastSeenTs ?? 0) + timing.offlineMs : undefined;
  if (offlineAt !== undefined && now >= offlineAt) return { kind: "set", state: "offline" };
  const idleAt = subject.state === "online" ? subject.lastActiveTs + timing.idleMs : undefined;
  if (idleAt !== undefined && now >= idleAt) return { kind: "set", state: "unavailable" };
  const due = [offlineAt, idleAt].filter((t): t is number => t !== undefined);
  return due.length === 0 ? { kind: "done" } : { kind: "wait", until: Math.min(...due) };
}
