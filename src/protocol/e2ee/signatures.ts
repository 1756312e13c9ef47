// The `signatures` map of signed key objects: reading, checking its shape and merging in more.
import { isJsonObject, type JsonObject } from "../json-value";

/** One signature: by `signerUserId` with key `signerKeyId` (e.g. `ed25519:DEVICE`). */
export interface KeySignature {
  readonly signerUserId: string;
  readonly signerKeyId: string;
  readonly signature: string;
}

/** True for `{ userId: { keyId: "sig" } }`. */
export function isSignatureMap(value: unknown): value is Readonly<Record<string, Readonly<Record<string, string>>>> {
  if (!isJsonObject(value)) return false;
  return Object.values(value).every((forUser) => isJsonObject(forUser) && Object.values(forUser).every((s) => typeof s === "string"));
}

/** Every signature of a signed object (none when it has no well-formed `signatures`). */
export function signaturesOf(value: JsonObject): KeySignature[] {
  const sigs = value["signatures"];
  if (!isSignatureMap(sigs)) return [];
  return Object.entries(sigs).flatMap(([signerUserId, forUser]) =>
    Object.entries(forUser).map(([signerKeyId, signature]) => ({ signerUserId, signerKeyId, signature })),
  );
}

/** `value` with `extra` added to its signatures; a signature already present under the same user and key ID stays. */
export function mergeSignatures(value: JsonObject, extra: readonly KeySignature[]): JsonObject {
  if (extra.length === 0) return value;
  const existing = isSignatureMap(value["signatures"]) ? value["signatures"] : {};
  const merged: Record<string, Record<string, string>> = {};
  for (const [user, forUser] of Object.entries(existing)) merged[user] = { ...forUser };
  for (const s of extra) {
    const forUser = (merged[s.signerUserId] ??= {});
    if (!Object.hasOwn(forUser, s.signerKeyId)) forUser[s.signerKeyId] = s.signature;
  }
  return { ...value, signatures: merged };
}

/** The object a signature covers, for comparing two versions of a key: without `signatures` and `unsigned`. */
export function signedPart(value: JsonObject): JsonObject {
  const { signatures: _s, unsigned: _u, ...rest } = value;
  return rest;
}
