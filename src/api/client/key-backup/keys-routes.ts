// PUT/GET/DELETE /room_keys/keys[/{roomId}[/{sessionId}]]?version=: the keys of a backup (spec "Server-side key backups").
import { Effect } from "effect";
import type { Context } from "hono";
import { Hono } from "hono";
import { backupKeysPage, deleteBackupKeys, type KeyScope, putBackupKeys } from "../../../accounts/key-backup-store";
import type { JsonObject } from "../../../protocol/json-value";
import { parseBackedUpKey } from "../../../protocol/key-backup/backed-up-key";
import { parseBackupVersion } from "../../../protocol/key-backup/backup-version";
import { keyBackupError, type KeyBackupError } from "../../../protocol/key-backup/key-backup-error";
import {
  isBackupRoomId,
  isBackupSessionId,
  parseRoomKeyBackup,
  parseRoomKeysBody,
  type RoomKeyUpload,
} from "../../../protocol/key-backup/room-keys-body";
import { err, ok, type Result } from "../../../protocol/result";
import { type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { backupRoute, orFail, versionParam } from "./key-backup-request";
import { KEYS_PAGE_SIZE, keysBodyStream } from "./keys-body-stream";

const unknownVersion = () => keyBackupError("unknown_version", "Unknown backup version");

/** The room and session the path names (either may be absent); a PUT must name ones that can be IDs. */
const scopeOf = (c: Context<AuthedEnv>): KeyScope => {
  const roomId = c.req.param("roomId");
  const sessionId = c.req.param("sessionId");
  return { ...(roomId === undefined ? {} : { roomId }), ...(sessionId === undefined ? {} : { sessionId }) };
};

/** The keys a PUT body holds, for the path's scope. */
function uploadsOf(scope: KeyScope, body: JsonObject): Result<RoomKeyUpload[], KeyBackupError> {
  const { roomId, sessionId } = scope;
  if (roomId === undefined) return parseRoomKeysBody(body);
  if (!isBackupRoomId(roomId)) return err(keyBackupError("invalid_param", "The path's room ID is not a room ID"));
  if (sessionId === undefined) return parseRoomKeyBackup(body, roomId, "the body");
  if (!isBackupSessionId(sessionId)) return err(keyBackupError("invalid_param", "The path's session ID cannot be one"));
  const key = parseBackedUpKey(body, "the body");
  return key.ok ? ok([{ roomId, sessionId, key: key.value }]) : key;
}

const putKeys = backupRoute((c) =>
  Effect.gen(function* () {
    const versionText = yield* versionParam(c);
    const scope = scopeOf(c);
    // Key data is opaque to the server (never signed here), so fractions are read and then refused only where the spec wants integers.
    const uploads = yield* orFail(uploadsOf(scope, yield* readJsonObject(c.req.raw, { allowFloats: true })));
    // A version this server never hands out is simply not the current one.
    const version = parseBackupVersion(versionText) ?? 0;
    const outcome = yield* Effect.promise(() => putBackupKeys(c.env.DB, c.var.requester.userId, version, uploads));
    if (outcome.kind === "no_backup") return yield* Effect.fail(unknownVersion());
    if (outcome.kind === "not_current") {
      return yield* Effect.fail(keyBackupError("wrong_version", "Wrong backup version", String(outcome.current)));
    }
    return c.json({ etag: String(outcome.state.etag), count: outcome.state.count });
  }),
);

const JSON_HEADERS = { "Content-Type": "application/json" };

const getKeys = backupRoute((c) =>
  Effect.gen(function* () {
    const version = parseBackupVersion(yield* versionParam(c));
    const scope = scopeOf(c);
    const userId = c.var.requester.userId;
    const db = c.env.DB;
    const readPage = (after: Parameters<typeof backupKeysPage>[4]) =>
      version === undefined ? Promise.resolve(undefined) : backupKeysPage(db, userId, version, scope, after, KEYS_PAGE_SIZE);
    const first = yield* Effect.promise(() => readPage(undefined));
    if (first === undefined) return yield* Effect.fail(unknownVersion());
    if (scope.sessionId !== undefined) {
      const [key] = first;
      if (key === undefined) return yield* Effect.fail(keyBackupError("key_not_found", "Key not found"));
      return c.body(key.keyJson, 200, JSON_HEADERS);
    }
    // A room without keys is `{"sessions": {}}`, the whole backup without keys `{"rooms": {}}` (spec).
    const shape = scope.roomId === undefined ? "backup" : "room";
    // A version deleted between pages simply ends the body: what was read stays a consistent answer.
    const next = async (after: Parameters<typeof backupKeysPage>[4]) => (await readPage(after)) ?? [];
    return c.body(keysBodyStream(shape, first, next), 200, JSON_HEADERS);
  }),
);

const deleteKeys = backupRoute((c) =>
  Effect.gen(function* () {
    const version = parseBackupVersion(yield* versionParam(c));
    const scope = scopeOf(c);
    const state = version === undefined ? undefined : yield* Effect.promise(() => deleteBackupKeys(c.env.DB, c.var.requester.userId, version, scope));
    if (state === undefined) return yield* Effect.fail(unknownVersion());
    return c.json({ etag: String(state.etag), count: state.count });
  }),
);

const PATHS = ["/room_keys/keys", "/room_keys/keys/:roomId", "/room_keys/keys/:roomId/:sessionId"] as const;

export const backupKeysRoutes = new Hono<AuthedEnv>();
for (const path of PATHS) {
  backupKeysRoutes.put(path, requireAuth(), putKeys);
  backupKeysRoutes.get(path, requireAuth(), getKeys);
  backupKeysRoutes.delete(path, requireAuth(), deleteKeys);
}
