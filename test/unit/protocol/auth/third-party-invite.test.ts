// Rule 4.4.1 (v10) / 5.4.1 (v12): invites carrying a third_party_invite proof signed by an identity server.
import { describe, it } from "vitest";
import { authorizeEvent } from "../../../../src/protocol/auth/authorize-event";
import { encodeBase64, encodeBase64Url } from "../../../../src/protocol/base64";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { publicKeyFromSeed, signJson } from "../../../../src/protocol/signing";
import { expectAllowed, expectRejected } from "../../../support/auth-assert";
import { ALICE, BOB, CAROL, DAVE, lookup, member, roomEvent, standardRoom, withState } from "../../../support/auth-room";

const IS_KEY = { keyId: "ed25519:0", seed: new Uint8Array(32).fill(7) };
const OTHER_KEY = { keyId: "ed25519:0", seed: new Uint8Array(32).fill(9) };
const isPublicKey = encodeBase64(publicKeyFromSeed(IS_KEY.seed));

const signed = (mxid: string, token: string, key = IS_KEY): JsonObject =>
  signJson({ mxid, token, sender: BOB }, "id.example", key);

describe.each([
  { version: "10", R: "4.4.1" },
  { version: "12", R: "5.4.1" },
])("room version $version, rule $R", ({ version, R }) => {
  const base = standardRoom(version, "invite");
  const tpInvite = (content: JsonObject, sender = BOB, token = "tok") =>
    roomEvent(base, { type: "m.room.third_party_invite", sender, stateKey: token, content });
  const room = withState(
    base,
    member(base, BOB, BOB, "join"),
    tpInvite({ display_name: "c…@example.org", public_key: isPublicKey, key_validity_url: "https://id.example/v" }),
  );
  const invite = (thirdParty: JsonObject | string, sender = BOB, target = CAROL) =>
    member(room, sender, target, "invite", { third_party_invite: thirdParty as JsonObject });
  const check = (r: typeof room, e: ReturnType<typeof member>) => authorizeEvent(r.rules, e, lookup(r));

  it(`${R}.7: a signature matching the invite's public_key allows the invite`, () => {
    expectAllowed(check(room, invite({ display_name: "c", signed: signed(CAROL, "tok") })));
  });
  it(`${R}.7: a key listed in public_keys also counts (URL-safe base64 accepted)`, () => {
    const listed = withState(
      room,
      tpInvite({
        public_key: encodeBase64(publicKeyFromSeed(OTHER_KEY.seed)),
        public_keys: [{ public_key: encodeBase64Url(publicKeyFromSeed(IS_KEY.seed)) }],
      }),
    );
    expectAllowed(check(listed, invite({ signed: signed(CAROL, "tok") })));
  });
  it(`${R}.7: the sender need not be joined or at the invite level (the proof decides)`, () => {
    const r = withState(room, member(room, BOB, BOB, "leave"));
    expectAllowed(check(r, invite({ signed: signed(CAROL, "tok") })));
  });
  it(`${R}.1: a banned target cannot be invited`, () => {
    const r = withState(room, member(room, ALICE, CAROL, "ban"));
    expectRejected(check(r, invite({ signed: signed(CAROL, "tok") })), `${R}.1`);
  });
  it(`${R}.2: third_party_invite must have a signed object`, () => {
    expectRejected(check(room, invite({ display_name: "c" })), `${R}.2`);
    expectRejected(check(room, invite("not an object")), `${R}.2`);
  });
  it(`${R}.3: signed must have mxid and token`, () => {
    const noToken = signJson({ mxid: CAROL }, "id.example", IS_KEY);
    expectRejected(check(room, invite({ signed: noToken })), `${R}.3`);
    const noMxid = signJson({ token: "tok" }, "id.example", IS_KEY);
    expectRejected(check(room, invite({ signed: noMxid })), `${R}.3`);
  });
  it(`${R}.4: mxid must match the state_key`, () => {
    expectRejected(check(room, invite({ signed: signed(DAVE, "tok") })), `${R}.4`);
  });
  it(`${R}.5: there must be an m.room.third_party_invite for the token`, () => {
    expectRejected(check(room, invite({ signed: signed(CAROL, "other-token") })), `${R}.5`);
  });
  it(`${R}.6: the sender must be the one who sent the m.room.third_party_invite`, () => {
    const r = withState(room, member(room, DAVE, DAVE, "join"));
    expectRejected(check(r, invite({ signed: signed(CAROL, "tok") }, DAVE)), `${R}.6`);
  });
  it(`${R}.8: no matching signature rejects`, () => {
    expectRejected(check(room, invite({ signed: signed(CAROL, "tok", OTHER_KEY) })), `${R}.8`);
    const tampered = { ...signed(CAROL, "tok"), extra: "changed after signing" };
    expectRejected(check(room, invite({ signed: tampered })), `${R}.8`);
    const unsigned = { mxid: CAROL, token: "tok" };
    expectRejected(check(room, invite({ signed: unsigned })), `${R}.8`);
  });
});
