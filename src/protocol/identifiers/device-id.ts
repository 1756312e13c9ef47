// Device IDs: opaque strings chosen by the server or (legacy login, OAuth) by the client.
import { ok, type Result } from "../result";
import { invalidIdentifier, MAX_IDENTIFIER_BYTES, type DeviceId, type InvalidIdentifier } from "./brand";
import { utf8ByteLength } from "./localpart";

const isLoneSurrogateAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  if (c >= 0xdc00 && c <= 0xdfff) return true;
  if (c < 0xd800 || c > 0xdbff) return false;
  const next = text.charCodeAt(i + 1);
  return !(next >= 0xdc00 && next <= 0xdfff);
};

/**
 * The spec gives device IDs no grammar (clients SHOULD use the unreserved set, see
 * isOpaqueIdentifier), so this accepts what can be stored and echoed safely: non-empty, at most
 * 255 UTF-8 bytes, no control characters and no unpaired surrogates. A device ID also appears in
 * key IDs (`ed25519:DEVICEID`) and URL paths, where control characters would only cause trouble.
 */
export function parseDeviceId(text: string): Result<DeviceId, InvalidIdentifier> {
  if (text === "") return invalidIdentifier("device_id", "empty");
  if (utf8ByteLength(text) > MAX_IDENTIFIER_BYTES) return invalidIdentifier("device_id", "too_long");
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || isLoneSurrogateAt(text, i)) return invalidIdentifier("device_id", "invalid_character");
  }
  return ok(text as DeviceId);
}

export const isValidDeviceId = (text: string): text is DeviceId => parseDeviceId(text).ok;
