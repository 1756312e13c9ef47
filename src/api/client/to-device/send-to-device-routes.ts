// PUT /sendToDevice/{eventType}/{txnId}: queue a message for devices of local users (spec "Send-to-Device messaging").
import { Effect } from "effect";
import { Hono } from "hono";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";
import { userIdServerName } from "../../../protocol/identifiers/user-id";
import { isToDevicePathPart, parseSendToDeviceBody, type InvalidToDeviceBody } from "../../../protocol/to-device/send-to-device-body";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { queueToDevice } from "../../../readmodels/to-device-inbox";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { JsonBodyError, readJsonObject } from "../../json-body";
import { rateLimit } from "../../rate-limit";

const asRequestError = (error: InvalidToDeviceBody): RequestDecodeError | JsonBodyError =>
  error.reason === "too_large"
    ? new JsonBodyError({ reason: "too_large", message: error.message })
    : new RequestDecodeError({ reason: error.reason, message: error.message });

const sendToDevice = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const type = c.req.param("eventType") ?? "";
    const txnId = c.req.param("txnId") ?? "";
    if (!isToDevicePathPart(type)) return yield* new RequestDecodeError({ reason: "invalid_param", message: "Invalid event type" });
    if (!isToDevicePathPart(txnId)) return yield* new RequestDecodeError({ reason: "invalid_param", message: "Invalid transaction ID" });
    // To-device content is never signed, so fractions are fine.
    const body = yield* readJsonObject(c.req.raw, { allowFloats: true });
    const parsed = parseSendToDeviceBody(body);
    if (!parsed.ok) return yield* Effect.fail(asRequestError(parsed.error));
    yield* rateLimit(c, "to_device", { userId: me.userId });
    // Users of other servers would be reached over federation, which this server does not speak yet:
    // their messages are dropped.
    const { serverName } = yield* ServerConfig;
    const local = parsed.value.filter((target) => userIdServerName(target.userId) === serverName);
    const now = (yield* WallClock).nowMs();
    const queued = yield* Effect.promise(() =>
      queueToDevice(c.env.DB, { sender: me.userId, senderDevice: me.deviceId, type, txnId, messages: local, now }),
    );
    // Told on a retry too (the notifier ignores positions it has passed): a retry repairs a lost poke.
    // A failed poke does not fail the request: the messages are stored and the next sync has them.
    yield* Effect.promise(() =>
      syncNotifierClient(c.env.SYNC_NOTIFIER)
        .advance("to_device", queued.position)
        .catch((e: unknown) => console.warn(`to-device: notifier poke failed: ${String(e)}`)),
    );
    return c.json({});
  }),
);

export const sendToDeviceRoutes = new Hono<AuthedEnv>().put(
  "/sendToDevice/:eventType/:txnId",
  requireAuth({ allowGuests: true }),
  sendToDevice,
);
