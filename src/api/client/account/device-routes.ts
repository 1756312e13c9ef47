// Device management: GET /devices, GET/PUT/DELETE /devices/{deviceId}, POST /delete_devices (user-interactive).
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { accountError } from "../../../accounts/account-errors";
import { deleteDevice, deleteDevices, type DeviceRecord, getDevice, listDevices, setDeviceDisplayName } from "../../../accounts/device-store";
import { announceDeviceListChange } from "../../device-list-announce";
import type { JsonObject } from "../../../protocol/json-value";
import { deletePushersOfDevices } from "../../../readmodels/pusher-store";
import { forgetTokensOf } from "../../access-token-cache";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { decodeRequest } from "../../decode-request";
import { readJsonObject } from "../../json-body";
import { matrixError } from "../../matrix-error";
import { PASSWORD, userInteractiveAuth } from "../auth/user-interactive-auth";

const PutDeviceBody = Schema.Struct({ display_name: Schema.optionalKey(Schema.NullOr(Schema.String)) });
const DeleteDevicesBody = Schema.Struct({ devices: Schema.Array(Schema.String) });

/** Display names are public (spec "Device Management"); there is no call for long ones. */
const MAX_DISPLAY_NAME_LENGTH = 256;
const PASSWORD_FLOWS = [[PASSWORD]] as const;

const deviceJson = (device: DeviceRecord): JsonObject => ({
  device_id: device.deviceId,
  ...(device.displayName === null ? {} : { display_name: device.displayName }),
  ...(device.lastSeenIp === null ? {} : { last_seen_ip: device.lastSeenIp }),
  ...(device.lastSeenTs === null ? {} : { last_seen_ts: device.lastSeenTs }),
});

const noSuchDevice = (deviceId: string) => accountError("DeviceNotFound", `Unknown device ${deviceId}`);

/** Guests may list and rename their devices (spec "Guest Access"), not delete them. */
const guestAuth = requireAuth({ allowGuests: true });

export const deviceRoutes = new Hono<AuthedEnv>()
  .get(
    "/devices",
    guestAuth,
    authedRoute((c) =>
      Effect.gen(function* () {
        const devices = yield* Effect.promise(() => listDevices(c.env.DB, c.var.requester.userId));
        return c.json({ devices: devices.map(deviceJson) });
      }),
    ),
  )
  .get(
    "/devices/:deviceId",
    guestAuth,
    authedRoute((c) =>
      Effect.gen(function* () {
        const deviceId = c.req.param("deviceId") ?? "";
        const device = yield* Effect.promise(() => getDevice(c.env.DB, c.var.requester.userId, deviceId));
        if (device === null) return yield* Effect.fail(noSuchDevice(deviceId));
        return c.json(deviceJson(device));
      }),
    ),
  )
  .put(
    "/devices/:deviceId",
    guestAuth,
    authedRoute((c) =>
      Effect.gen(function* () {
        const deviceId = c.req.param("deviceId") ?? "";
        const userId = c.var.requester.userId;
        const body = yield* decodeRequest(PutDeviceBody, yield* readJsonObject(c.req.raw));
        const db = c.env.DB;
        if (body.display_name === undefined) {
          // Nothing to change, but an unknown device is still an error.
          const device = yield* Effect.promise(() => getDevice(db, userId, deviceId));
          return device === null ? yield* Effect.fail(noSuchDevice(deviceId)) : c.json({});
        }
        if (body.display_name !== null && body.display_name.length > MAX_DISPLAY_NAME_LENGTH) {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "display_name is too long"));
        }
        const set = yield* Effect.promise(() => setDeviceDisplayName(db, userId, deviceId, body.display_name ?? null));
        if (!set.ok) return yield* Effect.fail(set.error);
        yield* announceDeviceListChange(c, set.value);
        return c.json({});
      }),
    ),
  )
  .delete(
    "/devices/:deviceId",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const deviceId = c.req.param("deviceId") ?? "";
        const userId = c.var.requester.userId;
        const db = c.env.DB;
        const raw = yield* readJsonObject(c.req.raw, { emptyAsObject: true });
        // Asked before authentication, so nobody types a password to delete nothing.
        if ((yield* Effect.promise(() => getDevice(db, userId, deviceId))) === null) {
          return yield* Effect.fail(noSuchDevice(deviceId));
        }
        const uia = yield* userInteractiveAuth(c, {
          // The device is part of the operation, so a session cannot be redirected to another device.
          route: `DELETE /devices/${deviceId}`,
          body: raw,
          userId,
          flows: PASSWORD_FLOWS,
        });
        if (!uia.done) return c.json(uia.challenge, 401);
        const deleted = yield* Effect.promise(() => deleteDevice(db, userId, deviceId));
        forgetTokensOf(db, userId, { only: deviceId });
        yield* Effect.promise(() => deletePushersOfDevices(db, userId, [deviceId]));
        if (!deleted.ok) return yield* Effect.fail(deleted.error);
        yield* announceDeviceListChange(c, deleted.value);
        return c.json({});
      }),
    ),
  )
  .post(
    "/delete_devices",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const userId = c.var.requester.userId;
        const raw = yield* readJsonObject(c.req.raw);
        const body = yield* decodeRequest(DeleteDevicesBody, raw);
        const uia = yield* userInteractiveAuth(c, { route: "POST /delete_devices", body: raw, userId, flows: PASSWORD_FLOWS });
        if (!uia.done) return c.json(uia.challenge, 401);
        const db = c.env.DB;
        // Unknown IDs are ignored, as the spec asks.
        const deleted = yield* Effect.promise(() => deleteDevices(db, userId, body.devices));
        yield* announceDeviceListChange(c, deleted.position);
        for (const deviceId of body.devices) forgetTokensOf(db, userId, { only: deviceId });
        yield* Effect.promise(() => deletePushersOfDevices(db, userId, body.devices));
        return c.json({});
      }),
    ),
  );
