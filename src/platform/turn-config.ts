// The TURN settings (TURN_URIS, TURN_SHARED_SECRET or TURN_USERNAME/TURN_PASSWORD, TURN_USER_LIFETIME_MS), read and checked per request.
import { Effect } from "effect";
import type { TurnSettings } from "../protocol/voip/turn-credentials";
import type { Env } from "./env";
import { SettingError } from "./setting-error";

/** Synapse's default `turn_user_lifetime`: credentials stay valid for a day. */
export const DEFAULT_TURN_USER_LIFETIME_MS = 24 * 60 * 60 * 1000;

type TurnVars = Partial<Pick<Env, "TURN_URIS" | "TURN_SHARED_SECRET" | "TURN_USER_LIFETIME_MS" | "TURN_USERNAME" | "TURN_PASSWORD">>;

const bad = (setting: string, detail: string) => new SettingError({ reason: "bad_turn_setting", setting, detail });

/**
 * No URIs: TURN is off. With URIs, the shared secret wins over static credentials (as in Synapse);
 * URIs without any credentials are off too. A URI that is not `turn:`/`turns:` (the spec's
 * pattern), a lifetime that is not a whole number of seconds or more, or only one of
 * TURN_USERNAME/TURN_PASSWORD is an error: the route then refuses rather than hand out
 * something the TURN server would not accept.
 */
export function readTurnSettings(env: TurnVars): Effect.Effect<TurnSettings, SettingError> {
  const uris = (env.TURN_URIS ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
  if (uris.length === 0) return Effect.succeed({ kind: "none" });
  const badUri = uris.find((u) => !/^turns?:\S+$/.test(u));
  if (badUri !== undefined) return Effect.fail(bad("TURN_URIS", `not a turn: or turns: URI: ${badUri}`));
  const lifetimeText = (env.TURN_USER_LIFETIME_MS ?? "").trim();
  let lifetimeMs = DEFAULT_TURN_USER_LIFETIME_MS;
  if (lifetimeText !== "") {
    lifetimeMs = /^[0-9]{1,15}$/.test(lifetimeText) ? Number(lifetimeText) : 0;
    if (lifetimeMs < 1000) return Effect.fail(bad("TURN_USER_LIFETIME_MS", lifetimeText));
  }
  const secret = env.TURN_SHARED_SECRET ?? "";
  if (secret !== "") return Effect.succeed({ kind: "shared_secret", uris, secret, lifetimeMs });
  const username = env.TURN_USERNAME ?? "";
  const password = env.TURN_PASSWORD ?? "";
  if (username === "" && password === "") return Effect.succeed({ kind: "none" });
  if (username === "" || password === "") return Effect.fail(bad(username === "" ? "TURN_USERNAME" : "TURN_PASSWORD", "set both or neither"));
  return Effect.succeed({ kind: "static", uris, username, password, lifetimeMs });
}
