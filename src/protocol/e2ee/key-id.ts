// Key IDs of the form `<algorithm>:<id>` (one-time keys, device keys, cross-signing keys).
import { err, ok, type Result } from "../result";
import { e2eeKeyError, type E2eeKeyError } from "./key-error";

export interface KeyId {
  readonly algorithm: string;
  readonly id: string;
}

/** Splits at the first colon; both parts must be non-empty. */
export function parseKeyId(text: string): Result<KeyId, E2eeKeyError> {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) {
    return err(e2eeKeyError("bad_json", `key ID ${JSON.stringify(text.slice(0, 100))} is not of the form <algorithm>:<id>`));
  }
  return ok({ algorithm: text.slice(0, colon), id: text.slice(colon + 1) });
}

export const formatKeyId = (key: KeyId): string => `${key.algorithm}:${key.id}`;
