// The to-device messages of the user's dehydrated device (MSC3814 /dehydrated_device/{id}/events).
// GET with `from` is the current MSC (nothing deleted); POST with a `next_batch` body is the form
// Synapse, matrix-js-sdk and ruma use, where sending a token deletes the messages it covers.
import { Effect } from "effect";
import type { Context } from "hono";
import { Hono } from "hono";
import { isDehydratedDevice } from "../../../accounts/dehydrated-device-store";
import { dehydratedDeviceError } from "../../../protocol/dehydrated-device/dehydrated-device-error";
import { eventsPage, parseEventsToken } from "../../../protocol/dehydrated-device/dehydrated-events-page";
import { dehydratedDeviceInboxPage } from "../../../readmodels/dehydrated-device-inbox";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";

function eventsResponse(c: Context<AuthedEnv>, token: string | undefined, form: "get" | "post") {
  return Effect.gen(function* () {
    const { userId } = c.var.requester;
    const deviceId = c.req.param("deviceId") ?? "";
    const db = c.env.DB;
    const since = parseEventsToken(token);
    if (!since.ok) return yield* Effect.fail(since.error);
    // MSC3814: any device ID but the user's dehydrated device's is 403 M_FORBIDDEN (none at all too, as Synapse).
    if (!(yield* Effect.promise(() => isDehydratedDevice(db, userId, deviceId)))) {
      return yield* Effect.fail(dehydratedDeviceError("forbidden", "You may only fetch messages for your dehydrated device"));
    }
    const rows = yield* Effect.promise(() =>
      dehydratedDeviceInboxPage(db, { userId, deviceId, since: since.value, acknowledge: form === "post" }),
    );
    const page = eventsPage({ rows, since: since.value, alwaysToken: form === "post" });
    return c.json({ events: page.events, ...(page.nextBatch === undefined ? {} : { next_batch: page.nextBatch }) });
  });
}

export const dehydratedEventsRoutes = new Hono<AuthedEnv>()
  .get(
    "/dehydrated_device/:deviceId/events",
    requireAuth(),
    authedRoute((c) => eventsResponse(c, c.req.query("from"), "get")),
  )
  .post(
    "/dehydrated_device/:deviceId/events",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        // matrix-js-sdk sends `{}` for the first page; an empty body means the same.
        const body = yield* readJsonObject(c.req.raw, { emptyAsObject: true });
        const token = body["next_batch"];
        if (token !== undefined && typeof token !== "string") {
          return yield* Effect.fail(dehydratedDeviceError("bad_json", "next_batch must be a string"));
        }
        return yield* eventsResponse(c, token, "post");
      }),
    ),
  );
