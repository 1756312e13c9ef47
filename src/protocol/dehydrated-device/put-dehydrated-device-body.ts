// The body of PUT /dehydrated_device (MSC3814): the device's ID and opaque data, its display name,
// and its identity, one-time and fallback keys in the shapes of /keys/upload.
import { canonicalJson } from "../canonical-json";
import { parseDeviceKeys } from "../e2ee/device-keys";
import type { E2eeKeyError } from "../e2ee/key-error";
import { newOneTimeKeys, parseFallbackKeys, parseKeyMap, type UploadedKey } from "../e2ee/one-time-keys";
import { parseDeviceId } from "../identifiers/device-id";
import { isJsonObject, type JsonObject } from "../json-value";
import { err, ok, type Result } from "../result";
import { dehydratedDeviceError, type DehydratedDeviceError } from "./dehydrated-device-error";

/** The same bound as PUT /devices/{deviceId}'s display_name. */
export const MAX_DEHYDRATED_DISPLAY_NAME_LENGTH = 256;

export interface DehydratedDeviceUpload {
  readonly deviceId: string;
  /** `device_data` as canonical JSON: an object with at least a string `algorithm`. */
  readonly deviceDataJson: string;
  readonly displayName: string | null;
  /** `device_keys` as stored (without `unsigned`), canonical JSON. */
  readonly deviceKeysJson: string;
  readonly oneTimeKeys: readonly UploadedKey[];
  readonly fallbackKeys: readonly UploadedKey[];
}

const fromKeyError = (e: E2eeKeyError): DehydratedDeviceError =>
  dehydratedDeviceError(e.reason === "bad_json" ? "bad_json" : "invalid_param", e.message);

/**
 * Checks the body for the user `userId`. `device_keys` is required (MSC3814: keys are uploaded
 * with the device, so no dehydrated device lacks them) and must name `userId` and `device_id`.
 * The `dehydrated: true` flag inside `device_keys` is the client's (it is signed); it is kept as sent.
 */
export function parsePutDehydratedDevice(body: JsonObject, userId: string): Result<DehydratedDeviceUpload, DehydratedDeviceError> {
  const { device_id, device_data, initial_device_display_name, device_keys, one_time_keys, fallback_keys } = body;
  if (typeof device_id !== "string") return err(dehydratedDeviceError("bad_json", "device_id must be a string"));
  if (!parseDeviceId(device_id).ok) return err(dehydratedDeviceError("invalid_param", "device_id is not a valid device ID"));
  if (!isJsonObject(device_data)) return err(dehydratedDeviceError("bad_json", "device_data must be an object"));
  if (typeof device_data["algorithm"] !== "string") return err(dehydratedDeviceError("bad_json", "device_data.algorithm must be a string"));
  if (initial_device_display_name !== undefined && initial_device_display_name !== null && typeof initial_device_display_name !== "string") {
    return err(dehydratedDeviceError("bad_json", "initial_device_display_name must be a string"));
  }
  const displayName = initial_device_display_name ?? null;
  if (displayName !== null && displayName.length > MAX_DEHYDRATED_DISPLAY_NAME_LENGTH) {
    return err(dehydratedDeviceError("invalid_param", "initial_device_display_name is too long"));
  }
  if (device_keys === undefined) return err(dehydratedDeviceError("bad_json", "device_keys is required"));
  const keys = parseDeviceKeys(device_keys, { userId, deviceId: device_id });
  if (!keys.ok) return err(fromKeyError(keys.error));
  const oneTime = one_time_keys === undefined ? ok([]) : parseKeyMap("one_time_keys", one_time_keys);
  if (!oneTime.ok) return err(fromKeyError(oneTime.error));
  // A fresh device has no stored keys; this still refuses nothing a map can hold twice.
  const fresh = newOneTimeKeys(oneTime.value, new Map());
  if (!fresh.ok) return err(fromKeyError(fresh.error));
  const fallback = fallback_keys === undefined ? ok([]) : parseFallbackKeys(fallback_keys);
  if (!fallback.ok) return err(fromKeyError(fallback.error));
  return ok({
    deviceId: device_id,
    deviceDataJson: canonicalJson(device_data),
    displayName,
    deviceKeysJson: canonicalJson(keys.value),
    oneTimeKeys: fresh.value,
    fallbackKeys: fallback.value,
  });
}
