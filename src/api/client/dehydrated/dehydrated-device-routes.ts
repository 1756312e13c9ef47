// PUT, GET and DELETE /dehydrated_device (MSC3814): the user's one device without access tokens.
import { Effect } from "effect";
import { Hono } from "hono";
import { deleteDehydratedDevice, getDehydratedDevice, putDehydratedDevice } from "../../../accounts/dehydrated-device-store";
import { dehydratedDeviceError } from "../../../protocol/dehydrated-device/dehydrated-device-error";
import { parsePutDehydratedDevice } from "../../../protocol/dehydrated-device/put-dehydrated-device-body";
import { WallClock } from "../../../platform/wall-clock";
import { deletePushersOfDevices } from "../../../readmodels/pusher-store";
import { forgetTokensOf } from "../../access-token-cache";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { announceDeviceListChange } from "../../device-list-announce";
import { readJsonObject } from "../../json-body";

const noDevice = () => dehydratedDeviceError("not_found", "No dehydrated device available");

export const dehydratedDeviceRoutes = new Hono<AuthedEnv>()
  .put(
    "/dehydrated_device",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const { userId } = c.var.requester;
        const body = yield* readJsonObject(c.req.raw);
        const upload = parsePutDehydratedDevice(body, userId);
        if (!upload.ok) return yield* Effect.fail(upload.error);
        const now = (yield* WallClock).nowMs();
        const db = c.env.DB;
        const stored = yield* Effect.promise(() => putDehydratedDevice(db, userId, upload.value, now));
        if (!stored.ok) return yield* Effect.fail(stored.error);
        const { replaced } = stored.value;
        if (replaced !== undefined) {
          // Its tokens went in the batch (it has some only if a login took its ID); so do its pushers.
          forgetTokensOf(db, userId, { only: replaced });
          yield* Effect.promise(() => deletePushersOfDevices(db, userId, [replaced]));
        }
        yield* announceDeviceListChange(c, stored.value.position);
        return c.json({ device_id: upload.value.deviceId });
      }),
    ),
  )
  .get(
    "/dehydrated_device",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const device = yield* Effect.promise(() => getDehydratedDevice(c.env.DB, c.var.requester.userId));
        if (device === undefined) return yield* Effect.fail(noDevice());
        return c.json({ device_id: device.deviceId, device_data: device.deviceData });
      }),
    ),
  )
  .delete(
    "/dehydrated_device",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const { userId } = c.var.requester;
        const db = c.env.DB;
        const deleted = yield* Effect.promise(() => deleteDehydratedDevice(db, userId));
        if (deleted === undefined) return yield* Effect.fail(noDevice());
        // A dehydrated device has no session, unless a login took its ID: that session ends with it.
        forgetTokensOf(db, userId, { only: deleted.deviceId });
        yield* Effect.promise(() => deletePushersOfDevices(db, userId, [deleted.deviceId]));
        yield* announceDeviceListChange(c, deleted.position);
        return c.json({ device_id: deleted.deviceId });
      }),
    ),
  );
