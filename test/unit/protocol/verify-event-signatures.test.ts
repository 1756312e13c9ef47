// Checking the signatures a received event must carry: whose, over what, and with which keys.
import { describe, expect, it } from "vitest";
import { hasValidContentHash } from "../../../src/protocol/content-hash";
import { hashAndSignEvent, signEvent, verifyEventSignatures, type KeyLookup } from "../../../src/protocol/event-signing";
import type { JsonObject } from "../../../src/protocol/json-value";
import { redactEvent } from "../../../src/protocol/redaction";
import { roomVersionRules, type RoomVersionRules } from "../../../src/protocol/room-versions";
import { publicKeyFromSeed } from "../../../src/protocol/signing";
import { TEST_KEY_ID, testKeyLookup, testSigningKey } from "../../support/room-builder";

const rules = (id: string): RoomVersionRules => {
  const r = roomVersionRules(id);
  if (!r) throw new Error(`unknown room version ${id}`);
  return r;
};
const TS = 1_700_000_000_000;

const message = (extra: JsonObject = {}): JsonObject => ({
  room_id: "!r:a.example",
  sender: "@alice:a.example",
  type: "m.room.message",
  content: { msgtype: "m.text", body: "hello" },
  origin_server_ts: TS,
  prev_events: ["$p"],
  auth_events: ["$a"],
  depth: 5,
  ...extra,
});
const sign = (v: string, event: JsonObject, server = "a.example") => hashAndSignEvent(rules(v), event, server, testSigningKey(server));
const fails = (reason: string, server?: string) => ({ ok: false, error: { _tag: "EventSignatureError", reason, ...(server === undefined ? {} : { server }) } });

describe("valid events", () => {
  it.each(["3", "5", "10", "11", "12"])("v%s: a signed event verifies", (v) => {
    expect(verifyEventSignatures(rules(v), sign(v, message()), testKeyLookup)).toEqual({ ok: true, value: undefined });
  });
  it("a redacted copy still verifies", () => {
    const signed = sign("11", message());
    expect(verifyEventSignatures(rules("11"), redactEvent(rules("11"), signed), testKeyLookup).ok).toBe(true);
  });
  it("unsigned is not covered", () => {
    const signed = { ...sign("11", message()), unsigned: { age: 1234 } };
    expect(verifyEventSignatures(rules("11"), signed, testKeyLookup).ok).toBe(true);
  });
});

describe("tampering", () => {
  it("tampered content: the content hash fails but the signature over the redacted form still holds", () => {
    const signed = sign("11", message());
    const tampered = { ...signed, content: { msgtype: "m.text", body: "evil" } };
    expect(hasValidContentHash(tampered)).toBe(false);
    expect(verifyEventSignatures(rules("11"), tampered, testKeyLookup).ok).toBe(true);
  });
  it("tampered essential fields break the signature", () => {
    const signed = sign("11", message());
    expect(verifyEventSignatures(rules("11"), { ...signed, depth: 6 }, testKeyLookup)).toMatchObject(fails("bad_signature", "a.example"));
    expect(verifyEventSignatures(rules("11"), { ...signed, hashes: { sha256: "AAAA" } }, testKeyLookup)).toMatchObject(
      fails("bad_signature", "a.example"),
    );
  });
  it("protected content (a membership) breaks the signature", () => {
    const member = sign("11", message({ type: "m.room.member", state_key: "@alice:a.example", content: { membership: "join" } }));
    const changed = { ...member, content: { membership: "leave" } };
    expect(verifyEventSignatures(rules("11"), changed, testKeyLookup)).toMatchObject(fails("bad_signature"));
  });
  it("a garbled signature is malformed", () => {
    const signed = { ...sign("11", message()), signatures: { "a.example": { [TEST_KEY_ID]: "not base64!" } } };
    expect(verifyEventSignatures(rules("11"), signed, testKeyLookup)).toMatchObject(fails("malformed_signature"));
  });
});

describe("keys", () => {
  it("the wrong key fails", () => {
    const signed = sign("11", message());
    const wrong: KeyLookup = (server, keyId) =>
      keyId === TEST_KEY_ID ? { publicKey: publicKeyFromSeed(testSigningKey(server + ".other").seed) } : undefined;
    expect(verifyEventSignatures(rules("11"), signed, wrong)).toMatchObject(fails("bad_signature", "a.example"));
  });
  it("signed by another server's key under the sender's name fails", () => {
    const forged = hashAndSignEvent(rules("11"), message(), "a.example", testSigningKey("evil.example"));
    expect(verifyEventSignatures(rules("11"), forged, testKeyLookup)).toMatchObject(fails("bad_signature", "a.example"));
  });
  it("an unknown key is skipped, and with no known key left the check fails", () => {
    const signed = sign("11", message());
    expect(verifyEventSignatures(rules("11"), signed, () => undefined)).toMatchObject(fails("unknown_key", "a.example"));
  });
  it("unknown extra keys beside a good one are ignored, as are non-ed25519 algorithms", () => {
    const signed = sign("11", message());
    const sigs = signed["signatures"] as Record<string, Record<string, string>>;
    const extra = {
      ...signed,
      signatures: { "a.example": { ...sigs["a.example"], "ed25519:gone": "AAAA", "curve25519:x": "AAAA" } },
    };
    expect(verifyEventSignatures(rules("11"), extra, testKeyLookup).ok).toBe(true);
  });
  it("only non-ed25519 signatures count as missing", () => {
    const signed = { ...sign("11", message()), signatures: { "a.example": { "curve25519:x": "AAAA" } } };
    expect(verifyEventSignatures(rules("11"), signed, testKeyLookup)).toMatchObject(fails("missing_signature", "a.example"));
  });

  const expiring = (validUntilTs: number): KeyLookup => (server, keyId) => {
    const k = testKeyLookup(server, keyId);
    return k && { ...k, validUntilTs };
  };
  it.each(["5", "6", "11", "12"])("v%s: a key that expired before origin_server_ts is skipped", (v) => {
    const signed = sign(v, message());
    expect(verifyEventSignatures(rules(v), signed, expiring(TS - 1))).toMatchObject(fails("expired_key", "a.example"));
    expect(verifyEventSignatures(rules(v), signed, expiring(TS)).ok).toBe(true);
  });
  it.each(["3", "4"])("v%s does not enforce key validity", (v) => {
    expect(verifyEventSignatures(rules(v), sign(v, message()), expiring(TS - 1)).ok).toBe(true);
  });
});

describe("required signers", () => {
  it("missing signature from the sender's server fails even if another server signed", () => {
    const byOther = sign("11", message(), "b.example");
    expect(verifyEventSignatures(rules("11"), byOther, testKeyLookup)).toMatchObject(fails("missing_signature", "a.example"));
  });
  it("v1/v2 also need the event ID's server", () => {
    const event = message({ event_id: "$1:b.example" });
    const bySender = sign("1", event);
    expect(verifyEventSignatures(rules("1"), bySender, testKeyLookup)).toMatchObject(fails("missing_signature", "b.example"));
    const both = signEvent(rules("1"), bySender, "b.example", testSigningKey("b.example"));
    expect(verifyEventSignatures(rules("2"), both, testKeyLookup).ok).toBe(true);
    expect(verifyEventSignatures(rules("1"), sign("1", message()), testKeyLookup)).toMatchObject(fails("malformed_event"));
  });

  const restrictedJoin = message({
    type: "m.room.member",
    sender: "@carol:c.example",
    state_key: "@carol:c.example",
    content: { membership: "join", join_authorised_via_users_server: "@admin:a.example" },
  });
  it("v8+ restricted joins need the authorising user's server", () => {
    const onlyJoiner = sign("9", restrictedJoin, "c.example");
    expect(verifyEventSignatures(rules("9"), onlyJoiner, testKeyLookup)).toMatchObject(fails("missing_signature", "a.example"));
    const both = signEvent(rules("9"), onlyJoiner, "a.example", testSigningKey("a.example"));
    expect(verifyEventSignatures(rules("9"), both, testKeyLookup).ok).toBe(true);
  });
  it("before v8 join_authorised_via_users_server means nothing", () => {
    expect(verifyEventSignatures(rules("7"), sign("7", restrictedJoin, "c.example"), testKeyLookup).ok).toBe(true);
  });

  const tpInvite = message({
    type: "m.room.member",
    sender: "@alice:a.example",
    state_key: "@bob:b.example",
    content: { membership: "invite", third_party_invite: { display_name: "b", signed: { mxid: "@bob:b.example", token: "t", signatures: {} } } },
  });
  it("third-party invites may be signed by a server other than the sender's", () => {
    expect(verifyEventSignatures(rules("11"), sign("11", tpInvite, "b.example"), testKeyLookup).ok).toBe(true);
    expect(verifyEventSignatures(rules("11"), sign("11", tpInvite), testKeyLookup).ok).toBe(true);
  });
  it("third-party invites still need one verifiable signature, and no bad one", () => {
    expect(verifyEventSignatures(rules("11"), { ...tpInvite, signatures: {} }, testKeyLookup)).toMatchObject(fails("missing_signature"));
    const signed = sign("11", tpInvite, "b.example");
    expect(verifyEventSignatures(rules("11"), { ...signed, depth: 99 }, testKeyLookup)).toMatchObject(fails("bad_signature", "b.example"));
  });
  it("events without a usable sender are malformed", () => {
    expect(verifyEventSignatures(rules("11"), sign("11", message({ sender: "nobody" })), testKeyLookup)).toMatchObject(
      fails("malformed_event"),
    );
  });
});
