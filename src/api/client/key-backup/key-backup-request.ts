// Shared steps of the /room_keys routes: key-backup failures, the `version` query parameter, version info as JSON.
import { Effect } from "effect";
import type { Context } from "hono";
import type { BackupVersionInfo } from "../../../accounts/key-backup-store";
import type { JsonObject } from "../../../protocol/json-value";
import type { KeyBackupError } from "../../../protocol/key-backup/key-backup-error";
import type { Result } from "../../../protocol/result";
import { type AuthedEnv, authedRoute } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import type { RouteEffect } from "../../effect-route";
import { toMatrixError } from "../../error-table";
import { MatrixError } from "../../matrix-error";

export const orFail = <T>(result: Result<T, KeyBackupError>): Effect.Effect<T, KeyBackupError> =>
  result.ok ? Effect.succeed(result.value) : Effect.fail(result.error);

const isKeyBackupError = (failure: unknown): failure is KeyBackupError =>
  typeof failure === "object" && failure !== null && (failure as { _tag?: unknown })._tag === "KeyBackupError";

/**
 * The error table gives M_WRONG_ROOM_KEYS_VERSION its status; the spec also has the answer name the
 * current version (`current_version`), which only this failure knows.
 */
function withCurrentVersion(failure: unknown): unknown {
  if (!isKeyBackupError(failure) || failure.currentVersion === undefined) return failure;
  const mapped = toMatrixError(failure);
  return new MatrixError({
    status: mapped.status,
    errcode: mapped.errcode,
    message: mapped.message,
    extra: { ...mapped.extra, current_version: failure.currentVersion },
  });
}

/** authedRoute for the /room_keys routes. */
export const backupRoute = (route: (c: Context<AuthedEnv>) => RouteEffect) =>
  authedRoute((c) => route(c).pipe(Effect.mapError(withCurrentVersion)));

/** The required `version` query parameter, as given. */
export function versionParam(c: Context<AuthedEnv>): Effect.Effect<string, RequestDecodeError> {
  const version = c.req.query("version");
  return version === undefined
    ? Effect.fail(new RequestDecodeError({ reason: "missing_param", message: "The version query parameter is required" }))
    : Effect.succeed(version);
}

export const versionInfoJson = (info: BackupVersionInfo): JsonObject => ({
  algorithm: info.algorithm,
  auth_data: info.authData,
  count: info.count,
  etag: String(info.etag),
  version: String(info.version),
});
