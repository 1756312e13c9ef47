// GET /pushers and POST /pushers/set: the caller's pushers, created, updated or deleted by (app_id, pushkey).
import { Effect } from "effect";
import { Hono } from "hono";
import { isJsonObject, type JsonObject, type JsonValue } from "../../../protocol/json-value";
import { deletePusher, listPushers, setPusher, type Pusher } from "../../../readmodels/pusher-store";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { readJsonObject } from "../../json-body";

/** Spec limits: app_id at most 64 characters, pushkey at most 512 bytes. */
const MAX_APP_ID_CHARS = 64;
const MAX_PUSHKEY_BYTES = 512;

/** The path every HTTP pusher URL must have (spec v1.13: fixed to the push gateway's notify endpoint). */
const NOTIFY_PATH = "/_matrix/push/v1/notify";

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

const badJson = (message: string) => new RequestDecodeError({ reason: "bad_json", message });
const invalidParam = (message: string) => new RequestDecodeError({ reason: "invalid_param", message });
const missingParam = (message: string) => new RequestDecodeError({ reason: "missing_param", message });

/** A body field that must be a string when present; absent gives undefined. */
function optionalString(body: JsonObject, name: string): Effect.Effect<string | undefined, RequestDecodeError> {
  const value: JsonValue | undefined = body[name];
  if (value === undefined) return Effect.succeed(undefined);
  return typeof value === "string" ? Effect.succeed(value) : Effect.fail(badJson(`${name} must be a string`));
}

/** The key of a pusher: required for every request, deletion included. */
function pusherKey(body: JsonObject): Effect.Effect<{ appId: string; pushkey: string }, RequestDecodeError> {
  return Effect.gen(function* () {
    const missing = ["kind", "app_id", "pushkey"].filter((name) => !Object.hasOwn(body, name));
    if (missing.length > 0) return yield* Effect.fail(missingParam(`Missing parameters: ${missing.join(", ")}`));
    const appId = yield* optionalString(body, "app_id");
    const pushkey = yield* optionalString(body, "pushkey");
    if (appId === undefined || pushkey === undefined) return yield* Effect.fail(badJson("app_id and pushkey must be strings"));
    if (appId === "" || [...appId].length > MAX_APP_ID_CHARS) {
      return yield* Effect.fail(invalidParam(`app_id must be 1 to ${MAX_APP_ID_CHARS} characters`));
    }
    if (pushkey === "" || new TextEncoder().encode(pushkey).length > MAX_PUSHKEY_BYTES) {
      return yield* Effect.fail(invalidParam(`pushkey must be 1 to ${MAX_PUSHKEY_BYTES} bytes`));
    }
    return { appId, pushkey };
  });
}

/**
 * An HTTP pusher's URL: the spec requires HTTPS and the notify path. Plain HTTP is accepted for
 * loopback hosts only, so a push gateway on the same machine can be used in development.
 */
function checkGatewayUrl(data: JsonObject): Effect.Effect<void, RequestDecodeError> {
  const url = data["url"];
  if (url === undefined) return Effect.fail(missingParam("Missing parameters: data.url (required for http pushers)"));
  if (typeof url !== "string") return Effect.fail(badJson("data.url must be a string"));
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Effect.fail(invalidParam("data.url is not a URL"));
  }
  const secure = parsed.protocol === "https:" || (parsed.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname));
  if (!secure) return Effect.fail(invalidParam("data.url must be an https URL"));
  if (parsed.pathname !== NOTIFY_PATH) return Effect.fail(invalidParam(`data.url must have the path ${NOTIFY_PATH}`));
  return Effect.void;
}

/** The pusher a non-null `kind` describes, with every field the spec requires for it. */
function pusherOf(body: JsonObject, kind: string, appId: string, pushkey: string): Effect.Effect<Pusher, RequestDecodeError> {
  return Effect.gen(function* () {
    const required = ["app_display_name", "device_display_name", "lang", "data"];
    const missing = required.filter((name) => body[name] === undefined);
    if (missing.length > 0) return yield* Effect.fail(missingParam(`Missing parameters: ${missing.join(", ")}`));
    if (kind === "email") return yield* Effect.fail(invalidParam("Email pushers are not supported by this server"));
    if (kind !== "http") return yield* Effect.fail(invalidParam(`Unknown pusher kind: ${kind.slice(0, 100)}`));
    const appDisplayName = yield* optionalString(body, "app_display_name");
    const deviceDisplayName = yield* optionalString(body, "device_display_name");
    const lang = yield* optionalString(body, "lang");
    const profileTag = yield* optionalString(body, "profile_tag");
    const data = body["data"];
    if (!isJsonObject(data)) return yield* Effect.fail(badJson("data must be an object"));
    yield* checkGatewayUrl(data);
    if (data["format"] !== undefined && typeof data["format"] !== "string") return yield* Effect.fail(badJson("data.format must be a string"));
    return {
      pushkey,
      kind,
      app_id: appId,
      app_display_name: appDisplayName ?? "",
      device_display_name: deviceDisplayName ?? "",
      ...(profileTag === undefined ? {} : { profile_tag: profileTag }),
      lang: lang ?? "",
      data,
    };
  });
}

const list = authedRoute((c) =>
  Effect.gen(function* () {
    const pushers = yield* Effect.promise(() => listPushers(c.env.DB, c.var.requester.userId));
    return c.json({ pushers });
  }),
);

const set = authedRoute((c) =>
  Effect.gen(function* () {
    const userId = c.var.requester.userId;
    // PusherData's custom keys are the client's and the gateway's; fractions among them are fine.
    const body = yield* readJsonObject(c.req.raw, { allowFloats: true });
    const { appId, pushkey } = yield* pusherKey(body);
    const kind = body["kind"];
    if (kind === null) {
      yield* Effect.promise(() => deletePusher(c.env.DB, userId, appId, pushkey));
      return c.json({});
    }
    if (typeof kind !== "string") return yield* Effect.fail(badJson("kind must be a string or null"));
    const append = body["append"] ?? false;
    if (typeof append !== "boolean") return yield* Effect.fail(badJson("append must be a boolean"));
    const pusher = yield* pusherOf(body, kind, appId, pushkey);
    const deviceId = c.var.requester.deviceId;
    yield* Effect.promise(() => setPusher(c.env.DB, userId, pusher, { append, ...(deviceId === undefined ? {} : { deviceId }) }));
    return c.json({});
  }),
);

export const pusherRoutes = new Hono<AuthedEnv>().get("/pushers", requireAuth(), list).post("/pushers/set", requireAuth(), set);
