// PRESENCE_IDLE_MS and PRESENCE_OFFLINE_MS: when the presence timer makes users unavailable and offline.
import { Effect } from "effect";
import { IDLE_AFTER_MS } from "../protocol/ephemeral/presence-view";
import type { PresenceTiming } from "../protocol/ephemeral/presence-timeout";
import type { Env } from "./env";
import { SettingError } from "./setting-error";

/**
 * Offline 150 s after a syncing client's last request: a device's last-seen time is written at
 * most once a minute (auth middleware), a long-poll lasts up to 60 s, then Synapse's 30 s grace.
 * A shorter setting can mark a client that is still syncing offline (its next sync undoes it).
 */
export const DEFAULT_PRESENCE_OFFLINE_MS = 150_000;

export const DEFAULT_PRESENCE_TIMING: PresenceTiming = { idleMs: IDLE_AFTER_MS, offlineMs: DEFAULT_PRESENCE_OFFLINE_MS };

type TimingVars = Partial<Pick<Env, "PRESENCE_IDLE_MS" | "PRESENCE_OFFLINE_MS">>;

function readMs(setting: string, text: string | undefined, fallback: number): Effect.Effect<number, SettingError> {
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return Effect.succeed(fallback);
  const value = /^[0-9]{1,12}$/.test(trimmed) ? Number(trimmed) : 0;
  return value > 0 ? Effect.succeed(value) : Effect.fail(new SettingError({ reason: "bad_presence_setting", setting, detail: trimmed }));
}

/** Empty settings take the defaults; anything else must be a positive number of milliseconds. */
export function readPresenceTiming(env: TimingVars): Effect.Effect<PresenceTiming, SettingError> {
  return Effect.all({
    idleMs: readMs("PRESENCE_IDLE_MS", env.PRESENCE_IDLE_MS, DEFAULT_PRESENCE_TIMING.idleMs),
    offlineMs: readMs("PRESENCE_OFFLINE_MS", env.PRESENCE_OFFLINE_MS, DEFAULT_PRESENCE_TIMING.offlineMs),
  });
}
