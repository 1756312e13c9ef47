// GET /profile/{userId}, GET/PUT/DELETE /profile/{userId}/{keyName}: local users' profiles, changes copied into their rooms.
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import type { UserId } from "../../../protocol/identifiers/brand";
import { parseUserId, userIdServerName } from "../../../protocol/identifiers/user-id";
import type { Result } from "../../../protocol/result";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import {
  memberContentOf,
  readProfile,
  profileJson,
  updateProfile,
  type Profile,
} from "../../../readmodels/profile-store";
import type { AppEnv } from "../../app-env";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { effectRoute } from "../../effect-route";
import { readJsonObject } from "../../json-body";
import { checkKeyName, deleteField, fieldValue, setField } from "./profile-fields";
import { ProfileError } from "./profile-error";
import { syncMemberEvents } from "./member-profile-sync";
import { presenceAfterProfileChange } from "../../../readmodels/presence-store";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";

const notFound = (message: string) => new ProfileError({ reason: "not_found", message });

/** The `{userId}` path parameter, checked against the user ID grammar. */
function userIdParam(c: Context<AppEnv> | Context<AuthedEnv>): Effect.Effect<UserId, RequestDecodeError> {
  const text = c.req.param("userId") ?? "";
  const parsed = parseUserId(text);
  return parsed.ok
    ? Effect.succeed(parsed.value)
    : Effect.fail(new RequestDecodeError({ reason: "invalid_param", message: `${JSON.stringify(text.slice(0, 100))} is not a user ID` }));
}

function keyParam(c: Context<AppEnv> | Context<AuthedEnv>): Effect.Effect<string, ProfileError> {
  const checked = checkKeyName(c.req.param("keyName") ?? "");
  return checked.ok ? Effect.succeed(checked.value) : Effect.fail(checked.error);
}

/**
 * The profile of a local user. Look-ups are open to everyone (the spec's minimum is users who
 * share a room or sit in public rooms; answering for all local users is allowed). Remote users
 * would need a federation profile query, which this server does not make yet.
 */
function profileOf(db: D1Database, userId: UserId): Effect.Effect<Profile, ProfileError, ServerConfig> {
  return Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    if (userIdServerName(userId) !== serverName) {
      return yield* Effect.fail(notFound("Profiles of users on other servers are not available"));
    }
    const profile = yield* Effect.promise(() => readProfile(db, userId));
    if (profile === undefined) return yield* Effect.fail(notFound("Profile not found"));
    return profile;
  });
}

const getProfile = effectRoute((c) =>
  Effect.gen(function* () {
    const userId = yield* userIdParam(c);
    const profile = yield* profileOf(c.env.DB, userId);
    return c.json(profileJson(profile));
  }),
);

const getField = effectRoute((c) =>
  Effect.gen(function* () {
    const userId = yield* userIdParam(c);
    const key = yield* keyParam(c);
    const value = fieldValue(yield* profileOf(c.env.DB, userId), key);
    if (value === undefined) return yield* Effect.fail(notFound(`${userId} has no ${key}`));
    return c.json({ [key]: value });
  }),
);

/** A change to the caller's own profile; guests may touch only their displayname (spec "Guest Access"). */
function ownField(c: Context<AuthedEnv>): Effect.Effect<{ userId: string; key: string }, unknown> {
  return Effect.gen(function* () {
    const userId = yield* userIdParam(c);
    const key = yield* keyParam(c);
    const me = c.var.requester;
    if (userId !== me.userId) {
      return yield* Effect.fail(new ProfileError({ reason: "other_user", message: "Cannot change the profile of another user" }));
    }
    if (me.isGuest && key !== "displayname") {
      return yield* Effect.fail(new ProfileError({ reason: "guest_field", message: "Guests may only change their displayname" }));
    }
    return { userId, key };
  });
}

/**
 * Stores the change, then brings the member events of the user's rooms up to date when a standard
 * field was written. That runs even when the value did not change, so repeating a PUT repairs a
 * room that missed the first one; rooms already up to date get no event.
 */
function applyChange(
  c: Context<AuthedEnv>,
  userId: string,
  key: string,
  change: (current: Profile) => Result<Profile, ProfileError>,
): Effect.Effect<Response, unknown, WallClock> {
  return Effect.gen(function* () {
    const now = (yield* WallClock).nowMs();
    const result = yield* Effect.promise(() => updateProfile(c.env.DB, userId, now, change));
    if (!result.ok) {
      const error = result.error;
      return yield* Effect.fail(error instanceof ProfileError ? error : notFound("Profile not found"));
    }
    if (key === "displayname" || key === "avatar_url") {
      yield* Effect.promise(() =>
        syncMemberEvents(c.env, { userId, deviceId: c.var.requester.deviceId }, memberContentOf(result.value.after)),
      );
      // Spec "Events on Change of Profile Information": room-mates also get an m.presence update.
      yield* Effect.promise(async () => {
        const position = await presenceAfterProfileChange(c.env.DB, userId, now);
        await syncNotifierClient(c.env.SYNC_NOTIFIER).advance("presence", position);
      });
    }
    return c.json({});
  });
}

const putField = authedRoute((c) =>
  Effect.gen(function* () {
    const { userId, key } = yield* ownField(c);
    const body = yield* readJsonObject(c.req.raw);
    return yield* applyChange(c, userId, key, (current) => setField(current, key, body));
  }),
);

const deleteFieldRoute = authedRoute((c) =>
  Effect.gen(function* () {
    const { userId, key } = yield* ownField(c);
    return yield* applyChange(c, userId, key, (current) => ({ ok: true, value: deleteField(current, key) }));
  }),
);

/** Reading a profile needs no access token (the spec lists no security for these GETs). */
export const profileReadRoutes = new Hono<AppEnv>().get("/profile/:userId", getProfile).get("/profile/:userId/:keyName", getField);

export const profileEditRoutes = new Hono<AuthedEnv>()
  .put("/profile/:userId/:keyName", requireAuth({ allowGuests: true }), putField)
  .delete("/profile/:userId/:keyName", requireAuth({ allowGuests: true }), deleteFieldRoute);
