// The answer about this server's users' keys that /keys/query and /keys/claim give clients and
// /user/keys/query, /user/keys/claim and /user/devices give other servers.
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { mergeSignatures } from "../protocol/e2ee/signatures";
import { parseStrictJson } from "../protocol/strict-json";
import { crossSigningKeysOf, signaturesVisibleTo, type StoredSignature } from "./cross-signing-store";
import { deviceKeysOfUsers, existingUsers } from "./device-keys-store";
import { claimKeys, type KeyClaim } from "./one-time-key-store";

/** Per local user: every device, or only the named ones. */
export type RequestedDevices = ReadonlyMap<string, ReadonlySet<string> | "all">;

export interface LocalKeys {
  readonly device_keys: Record<string, Record<string, JsonObject>>;
  readonly master_keys: Record<string, JsonObject>;
  readonly self_signing_keys: Record<string, JsonObject>;
  /** Only the viewer's own; always empty for another server (viewer null). */
  readonly user_signing_keys: Record<string, JsonObject>;
}

/**
 * The device and cross-signing keys of local users, with the signatures `viewer` may see: those by
 * each key's owner and, for a user, the viewer's own. `viewer` null is another server, which sees
 * the owners' signatures only and never a user-signing key. A user with no account is left out.
 */
export async function localKeys(db: D1Database, requested: RequestedDevices, viewer: string | null): Promise<LocalKeys> {
  const userIds = [...requested.keys()];
  const [known, devices, crossSigning, signatures] = await Promise.all([
    existingUsers(db, userIds),
    deviceKeysOfUsers(db, userIds),
    crossSigningKeysOf(db, userIds),
    signaturesVisibleTo(db, viewer, userIds),
  ]);
  const signaturesOf = (userId: string, keyId: string): StoredSignature[] =>
    signatures.filter((s) => s.targetUserId === userId && s.targetKeyId === keyId);

  const deviceKeys: Record<string, Record<string, JsonObject>> = {};
  for (const userId of userIds) if (known.has(userId)) deviceKeys[userId] = {};
  for (const device of devices) {
    const wantedDevices = requested.get(device.userId);
    if (wantedDevices === undefined || (wantedDevices !== "all" && !wantedDevices.has(device.deviceId))) continue;
    const forUser = (deviceKeys[device.userId] ??= {});
    forUser[device.deviceId] = {
      ...mergeSignatures(device.keys, signaturesOf(device.userId, device.deviceId)),
      unsigned: device.displayName === null ? {} : { device_display_name: device.displayName },
    };
  }

  const masterKeys: Record<string, JsonObject> = {};
  const selfSigningKeys: Record<string, JsonObject> = {};
  const userSigningKeys: Record<string, JsonObject> = {};
  for (const key of crossSigning) {
    const json = mergeSignatures(key.json, signaturesOf(key.userId, key.publicKey));
    if (key.usage === "master") masterKeys[key.userId] = json;
    else if (key.usage === "self_signing") selfSigningKeys[key.userId] = json;
    // Spec: the user-signing key only of the user making the request.
    else if (viewer !== null && key.userId === viewer) userSigningKeys[key.userId] = json;
  }
  return { device_keys: deviceKeys, master_keys: masterKeys, self_signing_keys: selfSigningKeys, user_signing_keys: userSigningKeys };
}

/** Claims one key per local device and algorithm (a one-time key, else the fallback key), shaped as `one_time_keys`. */
export async function claimLocalKeys(
  db: D1Database,
  claims: readonly KeyClaim[],
): Promise<Record<string, Record<string, Record<string, JsonValue>>>> {
  const claimed = await claimKeys(db, claims);
  const oneTimeKeys: Record<string, Record<string, Record<string, JsonValue>>> = {};
  for (const key of claimed) {
    const parsed = parseStrictJson(key.keyJson);
    if (!parsed.ok) throw new Error("stored one-time key is not JSON");
    const forUser = (oneTimeKeys[key.userId] ??= {});
    forUser[key.deviceId] = { [`${key.algorithm}:${key.keyId}`]: parsed.value };
  }
  return oneTimeKeys;
}

/** The user's newest device-list stream position (0 when the devices never changed): /user/devices' `stream_id`. */
export async function deviceListStreamId(db: D1Database, userId: string): Promise<number> {
  const row = await db
    .prepare("SELECT MAX(stream_pos) AS pos FROM device_list_changes WHERE user_id = ?")
    .bind(userId)
    .first<{ pos: number | null }>();
  return row?.pos ?? 0;
}
