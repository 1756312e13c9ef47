// Pure E2EE key rules: key IDs, device keys, one-time and fallback keys, cross-signing keys, signatures.
import { describe, expect, it } from "vitest";
import { crossSigningKey, deviceKeys, testKey } from "./e2ee-fixture";
import { isSignedBy, parseCrossSigningKey, sameKey } from "../../../../src/protocol/e2ee/cross-signing-key";
import { deviceEd25519Key, parseDeviceKeys } from "../../../../src/protocol/e2ee/device-keys";
import { parseKeyId } from "../../../../src/protocol/e2ee/key-id";
import { newOneTimeKeys, parseFallbackKeys, parseKeyMap } from "../../../../src/protocol/e2ee/one-time-keys";
import { acceptedSignatures, type SignerKeys } from "../../../../src/protocol/e2ee/signature-upload";
import { mergeSignatures, signaturesOf } from "../../../../src/protocol/e2ee/signatures";

const reason = (r: { ok: boolean; error?: { reason: string } }) => (r.ok ? "ok" : r.error?.reason);
const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";

describe("key IDs", () => {
  it("splits at the first colon and refuses empty parts", () => {
    expect(parseKeyId("signed_curve25519:AAAA:b")).toEqual({ ok: true, value: { algorithm: "signed_curve25519", id: "AAAA:b" } });
    for (const bad of ["nocolon", ":id", "alg:", ""]) expect(reason(parseKeyId(bad))).toBe("bad_json");
  });
});

describe("device keys", () => {
  const owner = { userId: ALICE, deviceId: "DEV" };
  const keys = deviceKeys(ALICE, "DEV", testKey(1));

  it("are stored as sent, without unsigned", () => {
    const parsed = parseDeviceKeys({ ...keys, unsigned: { x: 1 } }, owner);
    expect(parsed).toEqual({ ok: true, value: keys });
    expect(deviceEd25519Key(keys)).toBe(testKey(1).publicKey);
  });

  it("must name the uploading user and device (M_INVALID_PARAM) and have the spec's fields (M_BAD_JSON)", () => {
    expect(reason(parseDeviceKeys({ ...keys, user_id: BOB }, owner))).toBe("invalid_param");
    expect(reason(parseDeviceKeys({ ...keys, device_id: "OTHER" }, owner))).toBe("invalid_param");
    expect(reason(parseDeviceKeys({ ...keys, algorithms: "x" }, owner))).toBe("bad_json");
    expect(reason(parseDeviceKeys({ ...keys, keys: { a: 1 } }, owner))).toBe("bad_json");
    expect(reason(parseDeviceKeys({ ...keys, signatures: { [ALICE]: "x" } }, owner))).toBe("bad_json");
    expect(reason(parseDeviceKeys([], owner))).toBe("bad_json");
  });
});

describe("one-time and fallback keys", () => {
  it("parses `alg:id` names and key objects or strings", () => {
    const parsed = parseKeyMap("one_time_keys", { "signed_curve25519:A": { key: "k", signatures: {} }, "curve25519:B": "k2" });
    expect(parsed.ok && parsed.value.map((k) => [k.algorithm, k.keyId])).toEqual([
      ["signed_curve25519", "A"],
      ["curve25519", "B"],
    ]);
    expect(reason(parseKeyMap("one_time_keys", { bad: "k" }))).toBe("bad_json");
    expect(reason(parseKeyMap("one_time_keys", { "a:b": 3 }))).toBe("bad_json");
    expect(reason(parseKeyMap("one_time_keys", { "a:b": { signatures: {} } }))).toBe("bad_json");
  });

  it("allows one fallback key per algorithm", () => {
    expect(reason(parseFallbackKeys({ "a:1": "k", "b:1": "k" }))).toBe("ok");
    expect(reason(parseFallbackKeys({ "a:1": "k", "a:2": "k" }))).toBe("invalid_param");
  });

  it("accepts a re-upload of the same key and refuses a key ID reused for another key", () => {
    const first = parseKeyMap("one_time_keys", { "a:1": { key: "x" }, "a:2": { key: "y" } });
    if (!first.ok) throw new Error("parse");
    const stored = new Map([["a:1", first.value[0]!.keyJson]]);
    const fresh = newOneTimeKeys(first.value, stored);
    expect(fresh.ok && fresh.value.map((k) => k.keyId)).toEqual(["2"]);
    const changed = parseKeyMap("one_time_keys", { "a:1": { key: "z" } });
    if (!changed.ok) throw new Error("parse");
    expect(reason(newOneTimeKeys(changed.value, stored))).toBe("invalid_param");
  });
});

describe("cross-signing keys", () => {
  const master = testKey(2);
  const masterKey = crossSigningKey(ALICE, "master", master);

  it("take one ed25519 key naming its own public key, for the uploader, with the right usage", () => {
    expect(parseCrossSigningKey(masterKey, "master", ALICE)).toEqual({
      ok: true,
      value: { usage: "master", publicKey: master.publicKey, json: masterKey },
    });
    expect(reason(parseCrossSigningKey(masterKey, "master", BOB))).toBe("invalid_param");
    expect(reason(parseCrossSigningKey(masterKey, "self_signing", ALICE))).toBe("invalid_param");
    expect(reason(parseCrossSigningKey({ ...masterKey, keys: { "ed25519:abc": "def" } }, "master", ALICE))).toBe("invalid_param");
    expect(reason(parseCrossSigningKey({ ...masterKey, keys: {} }, "master", ALICE))).toBe("invalid_param");
    expect(reason(parseCrossSigningKey({ ...masterKey, usage: "master" }, "master", ALICE))).toBe("bad_json");
  });

  it("verifies signatures and compares keys without their signatures", () => {
    const ssk = master.sign(crossSigningKey(ALICE, "self_signing", testKey(3)), ALICE);
    expect(isSignedBy(ssk, ALICE, master.publicKey)).toBe(true);
    expect(isSignedBy(ssk, ALICE, testKey(4).publicKey)).toBe(false);
    expect(sameKey(ssk, crossSigningKey(ALICE, "self_signing", testKey(3)))).toBe(true);
    expect(sameKey(ssk, masterKey)).toBe(false);
  });
});

describe("signatures", () => {
  it("merges extra signatures beside existing ones", () => {
    const merged = mergeSignatures({ a: 1, signatures: { [ALICE]: { "ed25519:X": "s1" } } }, [
      { signerUserId: ALICE, signerKeyId: "ed25519:Y", signature: "s2" },
      { signerUserId: BOB, signerKeyId: "ed25519:Z", signature: "s3" },
      { signerUserId: ALICE, signerKeyId: "ed25519:X", signature: "other" },
    ]);
    expect(merged).toEqual({ a: 1, signatures: { [ALICE]: { "ed25519:X": "s1", "ed25519:Y": "s2" }, [BOB]: { "ed25519:Z": "s3" } } });
    expect(signaturesOf(merged)).toHaveLength(3);
  });
});

describe("signature upload", () => {
  const device = testKey(5);
  const ssk = testKey(6);
  const usk = testKey(7);
  const bobMaster = testKey(8);
  const aliceMaster = testKey(9);
  const signer: SignerKeys = { selfSigning: ssk.publicKey, userSigning: usk.publicKey, deviceKeys: new Map([["DEV", device.publicKey]]) };
  const stored = deviceKeys(ALICE, "DEV", device);

  it("accepts the self-signing key's signature of an own device, ignoring signatures already held", () => {
    const signed = ssk.sign(stored, ALICE);
    const result = acceptedSignatures(ALICE, ALICE, signed, { kind: "device", json: stored }, signer);
    expect(result.ok && result.value.map((s) => s.signerKeyId)).toEqual([`ed25519:${ssk.publicKey}`]);
  });

  it("accepts a device's signature of the own master key and the user-signing key's of another's master key", () => {
    const master = crossSigningKey(ALICE, "master", aliceMaster);
    expect(acceptedSignatures(ALICE, ALICE, device.sign(master, ALICE, "ed25519:DEV"), { kind: "master", json: master }, signer).ok).toBe(true);
    const bob = crossSigningKey(BOB, "master", bobMaster);
    expect(acceptedSignatures(ALICE, BOB, usk.sign(bob, ALICE), { kind: "master", json: bob }, signer).ok).toBe(true);
  });

  it("refuses wrong signers, bad signatures, changed objects and unknown keys", () => {
    const failure = (r: ReturnType<typeof acceptedSignatures>) => (r.ok ? "ok" : r.error.errcode);
    expect(failure(acceptedSignatures(ALICE, ALICE, usk.sign(stored, ALICE), { kind: "device", json: stored }, signer))).toBe("M_INVALID_SIGNATURE");
    // Signed under the self-signing key's ID, but with another key.
    const forged = testKey(1).sign(stored, ALICE, `ed25519:${ssk.publicKey}`);
    expect(failure(acceptedSignatures(ALICE, ALICE, forged, { kind: "device", json: stored }, signer))).toBe("M_INVALID_SIGNATURE");
    expect(failure(acceptedSignatures(ALICE, ALICE, ssk.sign({ ...stored, algorithms: [] }, ALICE), { kind: "device", json: stored }, signer))).toBe("M_INVALID_PARAM");
    expect(failure(acceptedSignatures(ALICE, ALICE, stored, undefined, signer))).toBe("M_NOT_FOUND");
    // The stored key sent back as it is: nothing new, nothing wrong.
    expect(acceptedSignatures(ALICE, ALICE, stored, { kind: "device", json: stored }, signer)).toEqual({ ok: true, value: [] });
    const bob = crossSigningKey(BOB, "master", bobMaster);
    expect(failure(acceptedSignatures(ALICE, BOB, ssk.sign(bob, ALICE), { kind: "master", json: bob }, signer))).toBe("M_INVALID_SIGNATURE");
  });
});
