// Signing and checking the request JSON of X-Matrix: a round trip, and every part of the request is covered.
import { describe, expect, it } from "vitest";
import { requestJsonToSign, signRequest, verifyRequestSignature } from "../../../../src/protocol/federation/signed-request";
import { parseXMatrixHeader } from "../../../../src/protocol/federation/x-matrix-header";
import { canonicalJson } from "../../../../src/protocol/canonical-json";
import { prepareSigningKey } from "../../../../src/protocol/signing";

const key = prepareSigningKey("ed25519:k1", new Uint8Array(32).fill(5));
const other = prepareSigningKey("ed25519:k1", new Uint8Array(32).fill(6));
const parts = {
  method: "PUT",
  uri: "/_matrix/federation/v1/send/txn1?x=%40a",
  origin: "origin.hs.example.com",
  destination: "destination.hs.example.com",
  content: { pdus: [], edus: [] },
};

function header(p = parts) {
  const r = parseXMatrixHeader(signRequest(p, key));
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
}

describe("X-Matrix request signing", () => {
  it("signs the spec's step-1 object: method, uri, origin, destination, content", () => {
    expect(canonicalJson(requestJsonToSign(parts))).toBe(
      '{"content":{"edus":[],"pdus":[]},"destination":"destination.hs.example.com","method":"PUT","origin":"origin.hs.example.com","uri":"/_matrix/federation/v1/send/txn1?x=%40a"}',
    );
    const { content: _c, ...noBody } = parts;
    expect(Object.keys(requestJsonToSign(noBody)).sort()).toEqual(["destination", "method", "origin", "uri"]);
  });

  it("verifies what it signs, with the key named in the header", () => {
    const auth = header();
    expect(auth).toMatchObject({ origin: parts.origin, destination: parts.destination, key: "ed25519:k1" });
    expect(verifyRequestSignature(parts, auth, parts.destination, key.publicKey).ok).toBe(true);
  });

  it("fails for another key, method, uri, body or destination", () => {
    const auth = header();
    const bad = (r: ReturnType<typeof verifyRequestSignature>) => expect(r.ok).toBe(false);
    bad(verifyRequestSignature(parts, auth, parts.destination, other.publicKey));
    bad(verifyRequestSignature({ ...parts, method: "POST" }, auth, parts.destination, key.publicKey));
    bad(verifyRequestSignature({ ...parts, uri: "/_matrix/federation/v1/send/txn2" }, auth, parts.destination, key.publicKey));
    bad(verifyRequestSignature({ ...parts, content: { pdus: [1], edus: [] } }, auth, parts.destination, key.publicKey));
    bad(verifyRequestSignature({ method: parts.method, uri: parts.uri }, auth, parts.destination, key.publicKey));
    bad(verifyRequestSignature(parts, { ...auth, destination: "elsewhere.example" }, parts.destination, key.publicKey));
  });

  it("checks a header without destination against the receiver's own name", () => {
    const { destination: _d, ...auth } = header();
    expect(verifyRequestSignature(parts, auth, parts.destination, key.publicKey).ok).toBe(true);
    expect(verifyRequestSignature(parts, auth, "someone.else", key.publicKey).ok).toBe(false);
  });
});
