// The spec's "Cryptographic Test Vectors" (appendices): signing key, JSON signing and event signing, reproduced exactly.
import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../../../src/protocol/base64";
import { computeContentHash, hasValidContentHash } from "../../../src/protocol/content-hash";
import { computeEventId } from "../../../src/protocol/event-id";
import { hashAndSignEvent, verifyEventSignatures } from "../../../src/protocol/event-signing";
import type { JsonObject } from "../../../src/protocol/json-value";
import { roomVersionRules, type RoomVersionRules } from "../../../src/protocol/room-versions";
import { publicKeyFromSeed, signJson, verifyJsonSignature, type SigningKey } from "../../../src/protocol/signing";

const seed = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
if (!seed.ok) throw new Error("vector seed must decode");
const KEY: SigningKey = { keyId: "ed25519:1", seed: seed.value };
const SERVER_NAME = "domain";
const publicKey = publicKeyFromSeed(KEY.seed);
const lookup = (server: string, keyId: string) =>
  server === SERVER_NAME && keyId === KEY.keyId ? { publicKey } : undefined;

const rules = (id: string): RoomVersionRules => {
  const r = roomVersionRules(id);
  if (!r) throw new Error(`unknown room version ${id}`);
  return r;
};

describe("signing key", () => {
  it("decodes to a 32-byte ed25519 seed", () => {
    expect(KEY.seed.length).toBe(32);
    expect(publicKey.length).toBe(32);
  });
});

describe("JSON signing", () => {
  it("signs the empty object", () => {
    const signed = signJson({}, SERVER_NAME, KEY);
    expect(signed).toEqual({
      signatures: {
        domain: {
          "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ",
        },
      },
    });
    expect(verifyJsonSignature(signed, SERVER_NAME, KEY.keyId, publicKey).ok).toBe(true);
  });

  it("signs an object with data values", () => {
    const signed = signJson({ one: 1, two: "Two" }, SERVER_NAME, KEY);
    expect(signed).toEqual({
      one: 1,
      signatures: {
        domain: {
          "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw",
        },
      },
      two: "Two",
    });
    expect(verifyJsonSignature(signed, SERVER_NAME, KEY.keyId, publicKey).ok).toBe(true);
  });
});

// The vectors predate room version 11 (they keep the top-level `origin`, which v11 redaction strips),
// so they hold for every version whose redaction protects it: 1 to 10.
const PRE_V11 = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

describe("event signing: minimal event", () => {
  const input: JsonObject = {
    room_id: "!x:domain",
    sender: "@a:domain",
    origin: "domain",
    origin_server_ts: 1000000,
    signatures: {},
    hashes: {},
    type: "X",
    content: {},
    prev_events: [],
    auth_events: [],
    depth: 3,
    unsigned: { age_ts: 1000000 },
  };
  const expected: JsonObject = {
    auth_events: [],
    content: {},
    depth: 3,
    hashes: { sha256: "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos" },
    origin: "domain",
    origin_server_ts: 1000000,
    prev_events: [],
    room_id: "!x:domain",
    sender: "@a:domain",
    signatures: {
      domain: {
        "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg",
      },
    },
    type: "X",
    unsigned: { age_ts: 1000000 },
  };

  it("has the expected content hash", () => {
    expect(computeContentHash(input)).toBe("5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos");
    expect(hasValidContentHash(expected)).toBe(true);
  });

  it.each(PRE_V11)("emits the expected signed event in room version %s", (v) => {
    expect(hashAndSignEvent(rules(v), input, SERVER_NAME, KEY)).toEqual(expected);
    // v1/v2 events must carry an `event_id` (its server must sign too); this vector has none.
    const verified = verifyEventSignatures(rules(v), expected, lookup);
    if (v === "1" || v === "2") expect(verified).toMatchObject({ ok: false, error: { reason: "malformed_event" } });
    else expect(verified).toEqual({ ok: true, value: undefined });
  });

  it("signs differently in v11+, whose redaction drops `origin`", () => {
    const signed = hashAndSignEvent(rules("11"), input, SERVER_NAME, KEY);
    expect(signed["hashes"]).toEqual(expected["hashes"]);
    expect(signed["signatures"]).not.toEqual(expected["signatures"]);
    expect(verifyEventSignatures(rules("11"), expected, lookup).ok).toBe(false);
  });

  it("has reference-hash event IDs in v3 (standard base64) and v4 (URL-safe) of the same hash", () => {
    const v3 = computeEventId(rules("3"), expected);
    const v4 = computeEventId(rules("4"), expected);
    if (!v3.ok || !v4.ok) throw new Error("event ID must compute");
    expect(v3.value).toMatch(/^\$[A-Za-z0-9+/]{43}$/);
    expect(v4.value).toBe(v3.value.replaceAll("+", "-").replaceAll("/", "_"));
  });
});

describe("event signing: event with redactable content", () => {
  const input: JsonObject = {
    content: { body: "Here is the message content" },
    event_id: "$0:domain",
    origin: "domain",
    origin_server_ts: 1000000,
    type: "m.room.message",
    room_id: "!r:domain",
    sender: "@u:domain",
    signatures: {},
    unsigned: { age_ts: 1000000 },
  };
  const expected: JsonObject = {
    content: { body: "Here is the message content" },
    event_id: "$0:domain",
    hashes: { sha256: "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g" },
    origin: "domain",
    origin_server_ts: 1000000,
    type: "m.room.message",
    room_id: "!r:domain",
    sender: "@u:domain",
    signatures: {
      domain: {
        "ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA",
      },
    },
    unsigned: { age_ts: 1000000 },
  };

  it("has the expected content hash", () => {
    expect(computeContentHash(input)).toBe("onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g");
  });

  it.each(PRE_V11)("emits the expected signed event in room version %s", (v) => {
    expect(hashAndSignEvent(rules(v), input, SERVER_NAME, KEY)).toEqual(expected);
    expect(verifyEventSignatures(rules(v), expected, lookup).ok).toBe(true);
  });

  it("reads the v1 event ID from the event", () => {
    expect(computeEventId(rules("1"), expected)).toEqual({ ok: true, value: "$0:domain" });
  });

  it("keeps the signature valid once the body is redacted away, while the content hash no longer matches", () => {
    const stripped: JsonObject = { ...expected, content: {} };
    expect(verifyEventSignatures(rules("1"), stripped, lookup).ok).toBe(true);
    expect(hasValidContentHash(stripped)).toBe(false);
  });

  it("signature bytes are 64 bytes of unpadded base64", () => {
    const sigs = expected["signatures"] as { domain: { "ed25519:1": string } };
    const raw = decodeBase64(sigs.domain["ed25519:1"]);
    expect(raw.ok && raw.value.length).toBe(64);
    expect(raw.ok && encodeBase64(raw.value)).toBe(sigs.domain["ed25519:1"]);
  });
});
