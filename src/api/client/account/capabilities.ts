// GET /capabilities (what this server lets the user do) and GET /auth_metadata (no OAuth 2.0 provider: 404).
import { Hono } from "hono";
import type { JsonObject } from "../../../protocol/json-value";
import { CREATABLE_ROOM_VERSIONS } from "../../../protocol/creatable-room-versions";
import { DEFAULT_ROOM_VERSION } from "../../../protocol/room-versions";
import type { AppEnv } from "../../app-env";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { Effect } from "effect";

/**
 * Only capabilities whose answer differs from what a client assumes when one is absent, or that
 * the spec wants stated: password changes are served; 3PIDs and login tokens are not. Profile
 * capabilities (m.set_displayname, m.set_avatar_url, m.profile_fields) are left to the profile
 * routes: absent means "allowed", which is what they will serve. Room versions are the ones rooms
 * can be created in and upgraded into (3 and later), not every version whose rules are known.
 */
export function capabilities(): JsonObject {
  const available: Record<string, string> = {};
  for (const id of CREATABLE_ROOM_VERSIONS) available[id] = "stable";
  return {
    "m.change_password": { enabled: true },
    "m.room_versions": { default: DEFAULT_ROOM_VERSION, available },
    "m.3pid_changes": { enabled: false },
    "m.get_login_token": { enabled: false },
  };
}

export const capabilitiesRoutes = new Hono<AuthedEnv>().get(
  "/capabilities",
  requireAuth({ allowGuests: true }),
  authedRoute((c) => Effect.sync(() => c.json({ capabilities: capabilities() }))),
);

/** Spec "Authentication API discovery": 404 M_UNRECOGNIZED while the OAuth 2.0 API is not offered. */
export const authMetadataRoutes = new Hono<AppEnv>().get("/auth_metadata", (c) =>
  c.json({ errcode: "M_UNRECOGNIZED", error: "This server does not offer the OAuth 2.0 API" }, 404),
);
