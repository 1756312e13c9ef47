// GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event?ts=&dir=f|b (spec: "Timestamp to event", v1.6).
import { Effect } from "effect";
import { Hono } from "hono";
import { eventAtTimestamp } from "../../../readmodels/timestamp-to-event";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { requiredQuery, roomIdParam } from "../rooms/room-request";

const invalidParam = (message: string) => new RequestDecodeError({ reason: "invalid_param", message });

const timestampToEvent = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    const tsText = yield* requiredQuery(c, "ts");
    const dir = yield* requiredQuery(c, "dir");
    // A timestamp in milliseconds: a non-negative integer within the canonical-JSON range.
    if (!/^[0-9]{1,16}$/.test(tsText) || !Number.isSafeInteger(Number(tsText))) return yield* Effect.fail(invalidParam("ts must be a timestamp in milliseconds"));
    if (dir !== "f" && dir !== "b") return yield* Effect.fail(invalidParam("dir must be 'f' or 'b'"));
    const found = yield* Effect.promise(() => eventAtTimestamp(c.env.DB, { userId: c.var.requester.userId, roomId, ts: Number(tsText), dir }));
    if (!found.ok) return yield* Effect.fail(found.error);
    return c.json(found.value);
  }),
);

export const timestampRoutes = new Hono<AuthedEnv>().get("/rooms/:roomId/timestamp_to_event", requireAuth(), timestampToEvent);
