// The body of PUT /sendToDevice/{eventType}/{txnId}: `messages`, user ID → device ID (or `*`) → content.
import { parseDeviceId } from "../identifiers/device-id";
import { utf8ByteLength } from "../identifiers/localpart";
import { parseUserId } from "../identifiers/user-id";
import type { UserId } from "../identifiers/brand";
import { isJsonObject, type JsonObject } from "../json-value";
import { err, ok, type Result } from "../result";

/** The device ID that means "every device of the user" (spec). */
export const ALL_DEVICES = "*";

/** One message of the request: to one device of `userId`, or to all of them (`deviceId` `*`). */
export interface ToDeviceTarget {
  readonly userId: UserId;
  readonly deviceId: string;
  readonly content: JsonObject;
}

export interface InvalidToDeviceBody {
  readonly _tag: "InvalidToDeviceBody";
  /** bad_json: the body's shape; invalid_param: a user or device ID; too_large: one message's content. */
  readonly reason: "bad_json" | "invalid_param" | "too_large";
  readonly message: string;
}

/** One message's content at most this many bytes of JSON, as for events (spec: 64 KiB). */
export const MAX_TO_DEVICE_CONTENT_BYTES = 65_536;

/** Path segments (event type, txnId) at most this many bytes. */
export const MAX_TO_DEVICE_PATH_PART_BYTES = 255;

const invalid = (reason: InvalidToDeviceBody["reason"], message: string) =>
  err<InvalidToDeviceBody>({ _tag: "InvalidToDeviceBody", reason, message });

/**
 * Every message the body asks for, in body order. `messages` is required and every level must be
 * an object; user IDs must be user IDs and device IDs device IDs (or `*`). An empty map is fine.
 */
export function parseSendToDeviceBody(body: JsonObject): Result<ToDeviceTarget[], InvalidToDeviceBody> {
  const messages = body["messages"];
  if (messages === undefined) return invalid("bad_json", "messages is required");
  if (!isJsonObject(messages)) return invalid("bad_json", "messages must be an object of user IDs");
  const targets: ToDeviceTarget[] = [];
  for (const [user, byDevice] of Object.entries(messages)) {
    const userId = parseUserId(user);
    if (!userId.ok) return invalid("invalid_param", `messages names ${JSON.stringify(user.slice(0, 300))}, which is not a user ID`);
    if (!isJsonObject(byDevice)) return invalid("bad_json", `messages[${user}] must be an object of device IDs`);
    for (const [deviceId, content] of Object.entries(byDevice)) {
      if (deviceId !== ALL_DEVICES && !parseDeviceId(deviceId).ok) {
        return invalid("invalid_param", `messages[${user}] names a device ID that is not one`);
      }
      if (!isJsonObject(content)) return invalid("bad_json", `messages[${user}][${deviceId}] must be an object`);
      if (utf8ByteLength(JSON.stringify(content)) > MAX_TO_DEVICE_CONTENT_BYTES) {
        return invalid("too_large", `messages[${user}][${deviceId}] is larger than ${MAX_TO_DEVICE_CONTENT_BYTES} bytes`);
      }
      targets.push({ userId: userId.value, deviceId, content });
    }
  }
  return ok(targets);
}

/** An event type or txnId from the path: non-empty, at most 255 bytes, no control characters. */
export function isToDevicePathPart(text: string): boolean {
  if (text === "" || utf8ByteLength(text) > MAX_TO_DEVICE_PATH_PART_BYTES) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}
