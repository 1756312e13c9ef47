// The checks performed on receipt of a PDU, in order: format, signatures, hashes, auth against the
// auth events, against the state before, and the soft-fail check against the current state.
import { describe, expect, it } from "vitest";
import type { AuthEventEntry } from "../../../../src/protocol/auth/auth-events-list";
import type { StateLookup } from "../../../../src/protocol/auth/auth-types";
import { checkPduOnReceipt, type ReceiptContext, type ReceiptOutcome } from "../../../../src/protocol/auth/checks-on-receipt";
import type { JsonObject } from "../../../../src/protocol/json-value";
import type { RoomEvent } from "../../../../src/protocol/pdu";
import { ALICE, BOB, CAROL, lookupOf, rulesFor } from "../../../support/auth-room";
import { asEvent, lookupKnownKey, signedEvent, type SignedEvent } from "../../../support/auth-signed-room";

const rules = rulesFor("12");

/** A v12 room: Alice creates and joins, sets power levels and a public join rule; Bob joins. */
function buildRoom() {
  const create = signedEvent(rules, { type: "m.room.create", sender: ALICE, state_key: "", content: { room_version: "12" } });
  const roomId = `!${create.event.eventId.slice(1)}`;
  const next = (fields: JsonObject, auth: readonly SignedEvent[], prev: SignedEvent, alsoSignedBy: string[] = []) =>
    signedEvent(
      rules,
      { room_id: roomId, auth_events: auth.map((e) => e.event.eventId), prev_events: [prev.event.eventId], ...fields },
      alsoSignedBy,
    );
  const aliceJoin = next({ type: "m.room.member", sender: ALICE, state_key: ALICE, content: { membership: "join" } }, [], create);
  const pl = next(
    { type: "m.room.power_levels", sender: ALICE, state_key: "", content: { users: { [BOB]: 50 } } },
    [aliceJoin],
    aliceJoin,
  );
  const joinRules = next(
    { type: "m.room.join_rules", sender: ALICE, state_key: "", content: { join_rule: "public" } },
    [pl, aliceJoin],
    pl,
  );
  const bobJoin = next({ type: "m.room.member", sender: BOB, state_key: BOB, content: { membership: "join" } }, [pl, joinRules], joinRules);
  return { create, roomId, aliceJoin, pl, joinRules, bobJoin, next };
}

const room = buildRoom();
const all = [room.create, room.aliceJoin, room.pl, room.joinRules, room.bobJoin];
const stateWith = (...events: SignedEvent[]): StateLookup => lookupOf(events.map((e) => e.event));
const fullState = stateWith(...all);

function context(overrides: Partial<ReceiptContext> = {}, rejectedIds: readonly string[] = []): ReceiptContext {
  const held = new Map<string, AuthEventEntry>(
    all.map((e) => [e.event.eventId, { event: e.event, rejected: rejectedIds.includes(e.event.eventId) }]),
  );
  return {
    rules,
    lookupKey: lookupKnownKey,
    getEvent: (id) => held.get(id),
    stateBefore: () => fullState,
    currentState: () => fullState,
    ...overrides,
  };
}

const bobMessage = (content: JsonObject = { body: "hello", msgtype: "m.text" }) =>
  room.next({ type: "m.room.message", sender: BOB, content }, [room.pl, room.bobJoin], room.bobJoin);

const tag = (o: ReceiptOutcome) => o._tag;

describe("checkPduOnReceipt", () => {
  it("accepts a valid, signed, authorised event", () => {
    const msg = bobMessage();
    const outcome = checkPduOnReceipt(context(), msg.raw);
    expect(outcome).toMatchObject({ _tag: "Accepted", contentHash: "valid" });
    expect(outcome._tag === "Accepted" && outcome.event.eventId).toBe(msg.event.eventId);
  });

  it("step 1: drops an event that is not a valid event", () => {
    const { sender: _s, ...noSender } = bobMessage().raw;
    expect(checkPduOnReceipt(context(), noSender)).toMatchObject({ _tag: "Dropped", stage: "format" });
    const huge = bobMessage({ body: "x".repeat(70000) });
    expect(checkPduOnReceipt(context(), huge.raw)).toMatchObject({ _tag: "Dropped", stage: "format", reason: "too_large" });
  });

  it("step 2: drops an event whose signature does not verify", () => {
    const msg = bobMessage();
    const forged = { ...msg.raw, origin_server_ts: 1 }; // covered by the signature
    expect(checkPduOnReceipt(context(), forged)).toMatchObject({ _tag: "Dropped", stage: "signatures" });
    const noKeys = context({ lookupKey: () => undefined });
    expect(checkPduOnReceipt(noKeys, msg.raw)).toMatchObject({ _tag: "Dropped", stage: "signatures" });
  });

  it("step 3: a content hash mismatch redacts the event, which then goes on through auth", () => {
    const msg = bobMessage();
    const edited = { ...msg.raw, content: { body: "edited in transit", msgtype: "m.text" } };
    const outcome = checkPduOnReceipt(context(), edited);
    expect(outcome).toMatchObject({ _tag: "Accepted", contentHash: "redacted-by-hash-mismatch" });
    if (outcome._tag === "Accepted") {
      expect(outcome.event.pdu.content).toEqual({});
      expect(outcome.event.eventId).toBe(msg.event.eventId);
    }
  });

  it("asks for auth events it does not hold", () => {
    const msg = bobMessage();
    const partial = context({ getEvent: (id) => (id === room.bobJoin.event.eventId ? undefined : context().getEvent(id)) });
    expect(checkPduOnReceipt(partial, msg.raw)).toEqual({ _tag: "MissingAuthEvents", eventIds: [room.bobJoin.event.eventId] });
  });

  it("step 4: rejects an event not allowed by its auth events (rule 3.3: a rejected auth event)", () => {
    const outcome = checkPduOnReceipt(context({}, [room.bobJoin.event.eventId]), bobMessage().raw);
    expect(outcome).toMatchObject({ _tag: "Rejected", against: "auth_events", rejection: { rule: "3.3" } });
  });

  it("step 4: rejects an event whose auth events do not let the sender act (rule 6)", () => {
    const carolMessage = room.next({ type: "m.room.message", sender: CAROL, content: {} }, [room.pl], room.bobJoin);
    const outcome = checkPduOnReceipt(context(), carolMessage.raw);
    expect(outcome).toMatchObject({ _tag: "Rejected", against: "auth_events", rejection: { rule: "6" } });
  });

  it("step 4, rule 2 (v12): the room_id must name an accepted create event", () => {
    const stray = signedEvent(rules, {
      type: "m.room.message",
      sender: BOB,
      room_id: "!unknown",
      auth_events: [room.pl.event.eventId, room.bobJoin.event.eventId],
      prev_events: [room.bobJoin.event.eventId],
    });
    expect(checkPduOnReceipt(context(), stray.raw)).toMatchObject({ _tag: "Rejected", rejection: { rule: "2" } });
    const createRejected = context({}, [room.create.event.eventId]);
    expect(checkPduOnReceipt(createRejected, bobMessage().raw)).toMatchObject({ _tag: "Rejected", rejection: { rule: "2" } });
  });

  it("step 5: rejects an event the state before it does not allow", () => {
    const bobLeft = room.next({ type: "m.room.member", sender: BOB, state_key: BOB, content: { membership: "leave" } }, [room.pl, room.bobJoin], room.bobJoin);
    const before = stateWith(...all, bobLeft);
    const outcome = checkPduOnReceipt(context({ stateBefore: () => before }), bobMessage().raw);
    expect(outcome).toMatchObject({ _tag: "Rejected", against: "state_before", rejection: { rule: "6" } });
  });

  it("step 6: soft-fails an event the current state does not allow", () => {
    const ban = room.next(
      { type: "m.room.member", sender: ALICE, state_key: BOB, content: { membership: "ban" } },
      [room.pl, room.aliceJoin, room.bobJoin],
      room.bobJoin,
    );
    const current = stateWith(...all, ban);
    const outcome = checkPduOnReceipt(context({ currentState: () => current }), bobMessage().raw);
    expect(outcome).toMatchObject({ _tag: "SoftFailed", contentHash: "valid", rejection: { rule: "6" } });
  });

  it("only asks for the states it needs", () => {
    const explode = (): StateLookup => {
      throw new Error("state should not be computed");
    };
    const { sender: _s, ...bad } = bobMessage().raw;
    expect(tag(checkPduOnReceipt(context({ stateBefore: explode, currentState: explode }), bad))).toBe("Dropped");
  });

  it("the create event passes on its own", () => {
    const none: StateLookup = () => undefined;
    const outcome = checkPduOnReceipt(context({ stateBefore: () => none }), room.create.raw);
    expect(outcome).toMatchObject({ _tag: "Accepted" });
  });
});

describe("checkPduOnReceipt: restricted joins (rule 5.2.1 with real signatures)", () => {
  const base = buildRoom();
  const restricted = base.next(
    {
      type: "m.room.join_rules",
      sender: ALICE,
      state_key: "",
      content: { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!space" }] },
    },
    [base.pl, base.aliceJoin],
    base.bobJoin,
  );
  const events = [base.create, base.aliceJoin, base.pl, restricted];
  const held = new Map<string, AuthEventEntry>(events.map((e) => [e.event.eventId, { event: e.event, rejected: false }]));
  const state = lookupOf(events.map((e) => e.event));
  const ctx: ReceiptContext = {
    rules,
    lookupKey: lookupKnownKey,
    getEvent: (id) => held.get(id),
    stateBefore: () => state,
    currentState: () => state,
  };
  const carolJoin = (alsoSignedBy: string[]) =>
    base.next(
      {
        type: "m.room.member",
        sender: CAROL,
        state_key: CAROL,
        content: { membership: "join", join_authorised_via_users_server: ALICE },
      },
      [base.pl, restricted, base.aliceJoin],
      restricted,
      alsoSignedBy,
    );

  it("accepts a join signed by the authorising user's server", () => {
    expect(checkPduOnReceipt(ctx, carolJoin(["a.example"]).raw)).toMatchObject({ _tag: "Accepted" });
  });
  it("does not accept a join without that signature", () => {
    const outcome = checkPduOnReceipt(ctx, carolJoin([]).raw);
    expect(outcome._tag === "Dropped" || (outcome._tag === "Rejected" && outcome.rejection.rule === "5.2.1")).toBe(true);
  });
  it("a signature by another server does not count", () => {
    const outcome = checkPduOnReceipt(ctx, carolJoin(["b.example"]).raw);
    expect(outcome._tag).not.toBe("Accepted");
  });
});

describe("asEvent", () => {
  it("uses the reference hash as the v12 event ID", () => {
    const e: RoomEvent = asEvent(rules, room.create.raw);
    expect(e.eventId).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
  });
});
