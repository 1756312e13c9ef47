// Hashing and signing outgoing events, and checking the signatures a received event must carry.
import { computeContentHash } from "./content-hash";
import { isJsonObject, type JsonObject } from "./json-value";
import { redactEvent } from "./redaction";
import { err, ok, type Result } from "./result";
import type { RoomVersionRules } from "./room-versions";
import { signJson, verifyJsonSignature, type SigningKey } from "./signing";

export type EventSignatureError = {
  readonly _tag: "EventSignatureError";
  readonly reason:
    | "malformed_event" // no usable sender, event ID or origin_server_ts to decide whose signatures are needed
    | "missing_signature" // no ed25519 signature from a server that must sign
    | "unknown_key" // signatures present, but none with a key we know
    | "expired_key" // the only known keys expired before origin_server_ts (v5+)
    | "bad_signature" // a known, valid key's signature does not verify
    | "malformed_signature"
    | "not_canonical";
  /** The server whose signature failed (empty when the event itself is malformed). */
  readonly server: string;
};

export type KeyLookup = (serverName: string, keyId: string) => { publicKey: Uint8Array; validUntilTs?: number } | undefined;

/** Adds this server's signature over the redacted form of `event` to the full event, keeping existing signatures. */
export function signEvent(rules: RoomVersionRules, event: JsonObject, serverName: string, key: SigningKey): JsonObject {
  // The signature covers only what survives redaction (which includes `hashes`), so it stays
  // checkable on a redacted copy while the hash still pins the full content.
  const signed = signJson(redactEvent(rules, event), serverName, key);
  const signatures = signed["signatures"];
  return { ...event, signatures: isJsonObject(signatures) ? signatures : {} };
}

/** Sets `hashes.sha256` to the content hash, then signs the redacted event (server-server "Signing Events"). */
export function hashAndSignEvent(rules: RoomVersionRules, event: JsonObject, serverName: string, key: SigningKey): JsonObject {
  const hashed: JsonObject = { ...event, hashes: { sha256: computeContentHash(event) } };
  return signEvent(rules, hashed, serverName, key);
}

/** The server part of a user ID or v1 event ID (everything after the first colon). */
export function serverOf(id: string): string | undefined {
  const i = id.indexOf(":");
  return i > 0 && i < id.length - 1 ? id.slice(i + 1) : undefined;
}

/** A membership invite made from a third-party invite: the spec exempts it from the sender-server signature. */
function isThirdPartyInvite(event: JsonObject): boolean {
  const content = event["content"];
  return (
    event["type"] === "m.room.member" &&
    isJsonObject(content) &&
    content["membership"] === "invite" &&
    content["third_party_invite"] !== undefined
  );
}

/** The servers whose signatures `event` must carry, or undefined if the event lacks what decides it. */
function requiredSigners(rules: RoomVersionRules, event: JsonObject): Set<string> | undefined {
  const required = new Set<string>();
  const sender = event["sender"];
  const senderServer = typeof sender === "string" ? serverOf(sender) : undefined;
  if (senderServer === undefined) return undefined;
  if (!isThirdPartyInvite(event)) required.add(senderServer);
  if (rules.eventIdFormat === "v1") {
    const eventId = event["event_id"];
    const idServer = typeof eventId === "string" ? serverOf(eventId) : undefined;
    if (idServer === undefined) return undefined;
    required.add(idServer);
  }
  const content = event["content"];
  if (rules.restrictedJoins && event["type"] === "m.room.member" && isJsonObject(content) && content["membership"] === "join") {
    const via = content["join_authorised_via_users_server"];
    if (via !== undefined) {
      const viaServer = typeof via === "string" ? serverOf(via) : undefined;
      if (viaServer === undefined) return undefined;
      required.add(viaServer);
    }
  }
  return required;
}

type ServerCheck = { readonly verified: number } | EventSignatureError;

/** Checks every ed25519 signature by `server` whose key is known and unexpired; at least one must exist. */
function checkServer(
  rules: RoomVersionRules,
  redacted: JsonObject,
  server: string,
  ts: number,
  lookupKey: KeyLookup,
): ServerCheck {
  const fail = (reason: EventSignatureError["reason"]): EventSignatureError => ({ _tag: "EventSignatureError", reason, server });
  const signatures = redacted["signatures"];
  const byServer = isJsonObject(signatures) ? signatures[server] : undefined;
  // Key IDs with algorithms other than ed25519 are ignored, as "Checking for a Signature" says.
  const keyIds = isJsonObject(byServer) ? Object.keys(byServer).filter((k) => k.startsWith("ed25519:")) : [];
  if (keyIds.length === 0) return fail("missing_signature");
  let verified = 0;
  let sawExpired = false;
  for (const keyId of keyIds) {
    const key = lookupKey(server, keyId);
    if (key === undefined) continue;
    if (rules.enforceKeyValidity && key.validUntilTs !== undefined && key.validUntilTs < ts) {
      sawExpired = true;
      continue;
    }
    const r = verifyJsonSignature(redacted, server, keyId, key.publicKey);
    if (!r.ok) return fail(r.error.reason === "missing_signature" ? "malformed_signature" : r.error.reason);
    verified++;
  }
  if (verified === 0) return fail(sawExpired ? "expired_key" : "unknown_key");
  return { verified };
}

/**
 * Verifies the signatures a received event must carry, over its redacted form (so a redacted copy
 * verifies too): the sender's server; in v1/v2 also the event ID's server; for v8+ joins via
 * `join_authorised_via_users_server` also that user's server. A third-party invite is exempt from
 * the sender-server requirement, but then at least one signature from some server must verify.
 * Unknown keys are skipped; from v5 keys whose validUntilTs is before origin_server_ts are skipped.
 * The content hash is not checked here (a mismatch means "redact", not "drop": see hasValidContentHash).
 */
export function verifyEventSignatures(
  rules: RoomVersionRules,
  event: JsonObject,
  lookupKey: KeyLookup,
): Result<void, EventSignatureError> {
  const malformed = err({ _tag: "EventSignatureError", reason: "malformed_event", server: "" } as const);
  const ts = event["origin_server_ts"];
  const required = requiredSigners(rules, event);
  if (typeof ts !== "number" || required === undefined) return malformed;
  const redacted = redactEvent(rules, event);
  for (const server of required) {
    const r = checkServer(rules, redacted, server, ts, lookupKey);
    if ("_tag" in r) return err(r);
  }
  if (isThirdPartyInvite(event)) {
    const signatures = redacted["signatures"];
    const servers = isJsonObject(signatures) ? Object.keys(signatures).filter((s) => !required.has(s)) : [];
    let firstFailure: EventSignatureError | undefined;
    let anyVerified = required.size > 0;
    for (const server of servers) {
      const r = checkServer(rules, redacted, server, ts, lookupKey);
      if (!("_tag" in r)) anyVerified = true;
      else if (r.reason === "bad_signature" || r.reason === "malformed_signature" || r.reason === "not_canonical") return err(r);
      else firstFailure ??= r;
    }
    if (!anyVerified) return err(firstFailure ?? { _tag: "EventSignatureError", reason: "missing_signature", server: "" });
  }
  return ok(undefined);
}
