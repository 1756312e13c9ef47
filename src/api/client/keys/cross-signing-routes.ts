// POST /keys/device_signing/upload (cross-signing keys, user-interactive when replacing them) and
// POST /keys/signatures/upload (signatures of devices and cross-signing keys).
import { Effect } from "effect";
import { Hono } from "hono";
import { crossSigningKeysByUsage, crossSigningKeysOf, putCrossSigningKeyStatement, putSignaturesStatement } from "../../../accounts/cross-signing-store";
import { positionOf, recordDeviceListChangeStatement } from "../../../accounts/device-list-stream";
import { deviceKeysOfUsers, deviceSigningKeys } from "../../../accounts/device-keys-store";
import { listDevices } from "../../../accounts/device-store";
import { canonicalJson } from "../../../protocol/canonical-json";
import { type CrossSigningKey, type CrossSigningUsage, isSignedBy, parseCrossSigningKey } from "../../../protocol/e2ee/cross-signing-key";
import { e2eeKeyError } from "../../../protocol/e2ee/key-error";
import { acceptedSignatures, type SignatureTarget, type SignerKeys } from "../../../protocol/e2ee/signature-upload";
import { isJsonObject, type JsonObject } from "../../../protocol/json-value";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { PASSWORD, userInteractiveAuth } from "../auth/user-interactive-auth";
import { announceDeviceListChange } from "../../device-list-announce";
import { orFail } from "./keys-request";

const FIELDS: readonly (readonly [string, CrossSigningUsage])[] = [
  ["master_key", "master"],
  ["self_signing_key", "self_signing"],
  ["user_signing_key", "user_signing"],
];

export const crossSigningRoutes = new Hono<AuthedEnv>()
  .post(
    "/keys/device_signing/upload",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const userId = c.var.requester.userId;
        const db = c.env.DB;
        const raw = yield* readJsonObject(c.req.raw);
        const uploaded: CrossSigningKey[] = [];
        for (const [field, usage] of FIELDS) {
          const value = raw[field];
          if (value !== undefined) uploaded.push(yield* orFail(parseCrossSigningKey(value, usage, userId)));
        }
        const [existing, devices] = yield* Effect.promise(() => Promise.all([crossSigningKeysByUsage(db, userId), listDevices(db, userId)]));
        const deviceIds = new Set(devices.map((d) => d.deviceId));
        if (uploaded.some((k) => deviceIds.has(k.publicKey))) {
          return yield* Effect.fail(e2eeKeyError("forbidden", "A cross-signing public key is one of the user's device IDs"));
        }
        const currentMaster = existing.get("master");
        // Spec: no UIA for the first master key, nor for a retry that carries exactly the stored keys.
        const unchanged = uploaded.every((k) => {
          const stored = existing.get(k.usage);
          return stored !== undefined && canonicalJson(stored.json) === canonicalJson(k.json);
        });
        if (currentMaster !== undefined && unchanged) return c.json({});
        if (currentMaster !== undefined) {
          const uia = yield* userInteractiveAuth(c, { route: "POST /keys/device_signing/upload", body: raw, userId, flows: [[PASSWORD]] });
          if (!uia.done) return c.json(uia.challenge, 401);
        }
        const master = uploaded.find((k) => k.usage === "master") ?? currentMaster;
        const others = uploaded.filter((k) => k.usage !== "master");
        if (master === undefined && others.length > 0) {
          return yield* Effect.fail(e2eeKeyError("missing_param", "No master signing key is available"));
        }
        if (master !== undefined && others.some((k) => !isSignedBy(k.json, userId, master.publicKey))) {
          return yield* Effect.fail(e2eeKeyError("invalid_signature", "A self-signing or user-signing key is not signed by the master key"));
        }
        if (uploaded.length === 0) return c.json({});
        const results = yield* Effect.promise(() =>
          db.batch([...uploaded.map((k) => putCrossSigningKeyStatement(db, userId, k)), recordDeviceListChangeStatement(db, userId)]),
        );
        yield* announceDeviceListChange(c, positionOf(results[uploaded.length]));
        return c.json({});
      }),
    ),
  )
  .post(
    "/keys/signatures/upload",
    requireAuth(),
    authedRoute((c) =>
      Effect.gen(function* () {
        const requester = c.var.requester.userId;
        const db = c.env.DB;
        const body = yield* readJsonObject(c.req.raw);
        for (const [userId, keys] of Object.entries(body)) {
          if (!isJsonObject(keys)) return yield* Effect.fail(e2eeKeyError("bad_json", `${userId} must map key IDs to signed keys`));
        }
        const targetUsers = Object.keys(body);
        const [ownKeys, ownDevices, targetDevices, targetCrossSigning] = yield* Effect.promise(() =>
          Promise.all([
            crossSigningKeysByUsage(db, requester),
            deviceSigningKeys(db, requester),
            deviceKeysOfUsers(db, [requester]),
            crossSigningKeysOf(db, targetUsers),
          ]),
        );
        const signer: SignerKeys = {
          selfSigning: ownKeys.get("self_signing")?.publicKey,
          userSigning: ownKeys.get("user_signing")?.publicKey,
          deviceKeys: ownDevices,
        };
        const targetOf = (userId: string, keyId: string): SignatureTarget | undefined => {
          const master = targetCrossSigning.find((k) => k.userId === userId && k.usage === "master" && k.publicKey === keyId);
          if (master !== undefined) return { kind: "master", json: master.json };
          // Only one's own devices are signed (by the self-signing key); others' devices are never targets.
          const device = userId === requester ? targetDevices.find((d) => d.deviceId === keyId) : undefined;
          return device === undefined ? undefined : { kind: "device", json: device.keys };
        };

        const failures: Record<string, Record<string, JsonObject>> = {};
        const statements: D1PreparedStatement[] = [];
        const changedUsers = new Set<string>();
        for (const [userId, keys] of Object.entries(body)) {
          for (const [keyId, signed] of Object.entries(keys as JsonObject)) {
            const accepted = acceptedSignatures(requester, userId, signed, targetOf(userId, keyId), signer);
            if (!accepted.ok) {
              (failures[userId] ??= {})[keyId] = { errcode: accepted.error.errcode, error: accepted.error.error };
              continue;
            }
            if (accepted.value.length === 0) continue;
            statements.push(putSignaturesStatement(db, userId, keyId, accepted.value));
            // Signatures by the owner's keys are everyone's news; a user-signing signature only the signer sees.
            changedUsers.add(userId === requester ? userId : requester);
          }
        }
        if (statements.length > 0) {
          const changes = [...changedUsers].map((u) => recordDeviceListChangeStatement(db, u));
          const results = yield* Effect.promise(() => db.batch([...statements, ...changes]));
          const positions = results.slice(statements.length).map(positionOf).filter((p): p is number => p !== undefined);
          yield* announceDeviceListChange(c, positions.length === 0 ? undefined : Math.max(...positions));
        }
        return c.json({ failures });
      }),
    ),
  );
