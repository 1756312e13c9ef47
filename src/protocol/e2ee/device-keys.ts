// The `device_keys` object of /keys/upload: its shape, and that it names the uploading device.
import { isJsonObject, type JsonObject, type JsonValue } from "../json-value";
import { err, ok, type Result } from "../result";
import { e2eeKeyError, type E2eeKeyError } from "./key-error";
import { isSignatureMap } from "./signatures";

const isStringArray = (value: unknown): value is readonly string[] => Array.isArray(value) && value.every((v) => typeof v === "string");
const isStringMap = (value: unknown): value is Readonly<Record<string, string>> =>
  isJsonObject(value) && Object.values(value).every((v) => typeof v === "string");

/**
 * The keys as they will be stored: as sent, without `unsigned` (the server adds its own when
 * answering a query). A device may only publish keys for itself: another user or device ID is
 * M_INVALID_PARAM (Synapse's answer too); a missing or mistyped field is M_BAD_JSON.
 */
export function parseDeviceKeys(value: JsonValue, owner: { readonly userId: string; readonly deviceId: string }): Result<JsonObject, E2eeKeyError> {
  if (!isJsonObject(value)) return err(e2eeKeyError("bad_json", "device_keys must be an object"));
  const { user_id, device_id, algorithms, keys, signatures } = value;
  if (typeof user_id !== "string" || typeof device_id !== "string") {
    return err(e2eeKeyError("bad_json", "device_keys needs user_id and device_id strings"));
  }
  if (!isStringArray(algorithms)) return err(e2eeKeyError("bad_json", "device_keys.algorithms must be an array of strings"));
  if (!isStringMap(keys)) return err(e2eeKeyError("bad_json", "device_keys.keys must map key IDs to strings"));
  if (!isSignatureMap(signatures)) return err(e2eeKeyError("bad_json", "device_keys.signatures must map user IDs to key IDs to strings"));
  if (user_id !== owner.userId) return err(e2eeKeyError("invalid_param", "device_keys.user_id is not the uploading user"));
  if (device_id !== owner.deviceId) return err(e2eeKeyError("invalid_param", "device_keys.device_id is not the uploading device"));
  const { unsigned: _unsigned, ...stored } = value;
  return ok(stored);
}

/** The device's ed25519 public key (`keys["ed25519:<device_id>"]`), if it published one. */
export function deviceEd25519Key(keys: JsonObject): string | undefined {
  const deviceId = keys["device_id"];
  const map = keys["keys"];
  if (typeof deviceId !== "string" || !isJsonObject(map)) return undefined;
  const key = map[`ed25519:${deviceId}`];
  return typeof key === "string" ? key : undefined;
}
