// The third-party invite check of the membership rules: an invite carrying an identity server's `signed` proof.
import { decodeBase64, decodeBase64Url } from "../base64";
import { isJsonObject, type JsonObject } from "../json-value";
import type { RoomEvent } from "../pdu";
import { ok, type Result } from "../result";
import { verifyJsonSignature } from "../signing";
import type { AuthRejection, StateLookup } from "./auth-types";
import { reject, sub } from "./rule-numbers";

/** The public keys an `m.room.third_party_invite` event publishes: `public_key` and `public_keys[].public_key`. */
function publicKeysOf(invite: RoomEvent): Uint8Array[] {
  const encoded: string[] = [];
  const single = invite.pdu.content["public_key"];
  if (typeof single === "string") encoded.push(single);
  const list = invite.pdu.content["public_keys"];
  if (Array.isArray(list)) {
    for (const entry of list) {
      if (isJsonObject(entry) && typeof entry["public_key"] === "string") encoded.push(entry["public_key"]);
    }
  }
  const keys: Uint8Array[] = [];
  for (const text of encoded) {
    // Identity servers publish unpadded base64; some use the URL-safe alphabet.
    const decoded = decodeBase64(text);
    const key = decoded.ok ? decoded : decodeBase64Url(text);
    if (key.ok && key.value.length === 32) keys.push(key.value);
  }
  return keys;
}

/** Whether any ed25519 signature in `signed` verifies under any of `keys`. */
function anySignatureMatches(signed: JsonObject, keys: readonly Uint8Array[]): boolean {
  const signatures = signed["signatures"];
  if (!isJsonObject(signatures)) return false;
  for (const [server, byKey] of Object.entries(signatures)) {
    if (!isJsonObject(byKey)) continue;
    for (const keyId of Object.keys(byKey)) {
      if (!keyId.startsWith("ed25519:")) continue;
      for (const key of keys) {
        if (verifyJsonSignature(signed, server, keyId, key).ok) return true;
      }
    }
  }
  return false;
}

/**
 * Rule "membership is invite, content has third_party_invite" (x.y.1 of the invite rules), where
 * `rule` is the number of that sub-rule in the room version. Decides the event outright.
 */
export function authorizeThirdPartyInvite(
  rule: string,
  event: RoomEvent,
  targetMembership: string | undefined,
  state: StateLookup,
): Result<void, AuthRejection> {
  const { pdu } = event;
  if (targetMembership === "ban") return reject(sub(rule, 1), "the invited user is banned");
  const thirdParty = pdu.content["third_party_invite"];
  const signed = isJsonObject(thirdParty) ? thirdParty["signed"] : undefined;
  if (!isJsonObject(signed)) return reject(sub(rule, 2), "third_party_invite has no signed object");
  const mxid = signed["mxid"];
  const token = signed["token"];
  if (typeof mxid !== "string" || typeof token !== "string") {
    return reject(sub(rule, 3), "signed lacks mxid or token");
  }
  if (mxid !== pdu.state_key) return reject(sub(rule, 4), "signed.mxid does not match the state_key");
  const invite = state("m.room.third_party_invite", token);
  if (!invite) return reject(sub(rule, 5), "no m.room.third_party_invite event for the token");
  if (invite.pdu.sender !== pdu.sender) {
    return reject(sub(rule, 6), "sender did not send the m.room.third_party_invite");
  }
  if (anySignatureMatches(signed, publicKeysOf(invite))) return ok(undefined);
  return reject(sub(rule, 8), "no signature in signed matches a public key of the invite");
}
