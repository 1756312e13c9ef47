// presenceTimeoutStep: when the presence timer makes a user unavailable or offline, or looks again.
import { describe, expect, it } from "vitest";
import { presenceTimeoutStep, type TimerSubject } from "../../../../src/protocol/ephemeral/presence-timeout";

const timing = { idleMs: 300_000, offlineMs: 150_000 };
const online = (extra: Partial<TimerSubject> = {}): TimerSubject => ({ state: "online", lastActiveTs: 1_000, lastSeenTs: null, watchOffline: false, ...extra });

describe("presenceTimeoutStep", () => {
  it("makes an online user unavailable once idle, and waits until then", () => {
    expect(presenceTimeoutStep(online(), timing, 2_000)).toEqual({ kind: "wait", until: 301_000 });
    expect(presenceTimeoutStep(online(), timing, 301_000)).toEqual({ kind: "set", state: "unavailable" });
  });

  it("leaves an unwatched unavailable or an offline user alone for good", () => {
    expect(presenceTimeoutStep(online({ state: "unavailable" }), timing, 10_000_000)).toEqual({ kind: "done" });
    expect(presenceTimeoutStep(online({ state: "offline", watchOffline: true }), timing, 10_000_000)).toEqual({ kind: "done" });
  });

  it("makes a watched user offline once their clients are silent, counting the later of activity and last request", () => {
    const watched = online({ watchOffline: true, lastSeenTs: 100_000 });
    expect(presenceTimeoutStep(watched, timing, 120_000)).toEqual({ kind: "wait", until: 250_000 });
    expect(presenceTimeoutStep(watched, timing, 250_000)).toEqual({ kind: "set", state: "offline" });
    // Offline before idle: a client that went away is offline, not merely idle.
    expect(presenceTimeoutStep(watched, timing, 400_000)).toEqual({ kind: "set", state: "offline" });
    // Unavailable (set through /sync) still goes offline.
    expect(presenceTimeoutStep({ ...watched, state: "unavailable" }, timing, 250_000)).toEqual({ kind: "set", state: "offline" });
    // Activity after the last request counts.
    expect(presenceTimeoutStep({ ...watched, lastActiveTs: 200_000 }, timing, 250_000)).toEqual({ kind: "wait", until: 350_000 });
  });
});
