// POST/GET /room_keys/version and GET/PUT/DELETE /room_keys/version/{version}: a user's backups (spec "Server-side key backups").
import { Effect } from "effect";
import { Hono } from "hono";
import {
  backupVersionInfo,
  createBackupVersion,
  currentBackupVersion,
  deleteBackupVersion,
  updateBackupAuthData,
} from "../../../accounts/key-backup-store";
import { parseBackupVersion, parseBackupVersionBody } from "../../../protocol/key-backup/backup-version";
import { keyBackupError } from "../../../protocol/key-backup/key-backup-error";
import { WallClock } from "../../../platform/wall-clock";
import { type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { backupRoute, orFail, versionInfoJson } from "./key-backup-request";

const unknownVersion = () => keyBackupError("unknown_version", "Unknown backup version");

/** auth_data is opaque to the server, so fractions are allowed in it. */
const readBody = (request: Request) => readJsonObject(request, { allowFloats: true });

const createVersion = backupRoute((c) =>
  Effect.gen(function* () {
    const body = yield* orFail(parseBackupVersionBody(yield* readBody(c.req.raw)));
    const now = (yield* WallClock).nowMs();
    const version = yield* Effect.promise(() =>
      createBackupVersion(c.env.DB, c.var.requester.userId, body.algorithm, body.authData, now),
    );
    return c.json({ version: String(version) });
  }),
);

const getCurrentVersion = backupRoute((c) =>
  Effect.gen(function* () {
    const info = yield* Effect.promise(() => currentBackupVersion(c.env.DB, c.var.requester.userId));
    // matrix-js-sdk reads exactly this answer as "no backup".
    if (info === undefined) return yield* Effect.fail(keyBackupError("no_backup", "No current backup version"));
    return c.json(versionInfoJson(info));
  }),
);

const getVersion = backupRoute((c) =>
  Effect.gen(function* () {
    const version = parseBackupVersion(c.req.param("version") ?? "");
    const info = version === undefined ? undefined : yield* Effect.promise(() => backupVersionInfo(c.env.DB, c.var.requester.userId, version));
    if (info === undefined) return yield* Effect.fail(unknownVersion());
    return c.json(versionInfoJson(info));
  }),
);

const putVersion = backupRoute((c) =>
  Effect.gen(function* () {
    const pathVersion = c.req.param("version") ?? "";
    const body = yield* orFail(parseBackupVersionBody(yield* readBody(c.req.raw)));
    if (body.version !== undefined && body.version !== pathVersion) {
      return yield* Effect.fail(keyBackupError("invalid_param", "The version in the body does not match the version in the path"));
    }
    const version = parseBackupVersion(pathVersion);
    if (version === undefined) return yield* Effect.fail(unknownVersion());
    const outcome = yield* Effect.promise(() =>
      updateBackupAuthData(c.env.DB, c.var.requester.userId, version, body.algorithm, body.authData),
    );
    if (outcome === "unknown_version") return yield* Effect.fail(unknownVersion());
    if (outcome === "algorithm_mismatch") return yield* Effect.fail(keyBackupError("invalid_param", "Algorithm does not match"));
    return c.json({});
  }),
);

const deleteVersion = backupRoute((c) =>
  Effect.gen(function* () {
    const version = parseBackupVersion(c.req.param("version") ?? "");
    // A version deleted before is deleted again without complaint (spec); one the user never had is 404.
    const existed = version !== undefined && (yield* Effect.promise(() => deleteBackupVersion(c.env.DB, c.var.requester.userId, version)));
    if (!existed) return yield* Effect.fail(unknownVersion());
    return c.json({});
  }),
);

export const backupVersionRoutes = new Hono<AuthedEnv>()
  .post("/room_keys/version", requireAuth(), createVersion)
  .get("/room_keys/version", requireAuth(), getCurrentVersion)
  .get("/room_keys/version/:version", requireAuth(), getVersion)
  .put("/room_keys/version/:version", requireAuth(), putVersion)
  .delete("/room_keys/version/:version", requireAuth(), deleteVersion);
