// The room DO's annotation index: federation is never refused a duplicate, and only a redaction that applies takes an annotation out.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/protocol/json-value";
import { stateKeyString, type RoomEvent } from "../../../src/protocol/pdu";
import { roomVersionRules } from "../../../src/protocol/room-versions";
import { remoteEvent } from "../../unit/commands/remote-event";
import { ALICE, allEntries, mustSubmit, newRoom, stub, submit } from "./room-fixtures";

const BOB = "@bob:remote.test";
const T0 = Date.now() + 60_000;
const VERSION = "11";

async function remote(roomId: string, spec: { type: string; stateKey?: string; content: JsonObject; ts: number; redacts?: string }): Promise<RoomEvent> {
  const room = stub(roomId);
  const head = (await room.getRoomInfo())!.forwardExtremities[0]!;
  const logged = (await room.getEvent(head))!;
  const after = await room.getStateAt(head, "after");
  const state = new Map(after!.entries.map((e) => [stateKeyString(e.type, e.stateKey), e.eventId]));
  return remoteEvent(roomVersionRules(VERSION)!, roomId, { ...spec, sender: BOB, prevEvents: [{ eventId: logged.eventId, pdu: logged.event }], state });
}

const ingest = (roomId: string, event: RoomEvent) => stub(roomId).submit({ _tag: "IngestPdu", v: 1, roomId, pdu: event.pdu as unknown as JsonObject });
const reaction = (target: string, key: string): JsonObject => ({ "m.relates_to": { rel_type: "m.annotation", event_id: target, key } });
const react = (roomId: string, target: string, key: string, txnId: string) =>
  submit({ _tag: "SendEvent", v: 1, roomId, sender: ALICE, deviceId: "DEV", txnId, type: "m.reaction", content: reaction(target, key) });

describe("room DO: duplicate annotations", () => {
  it("accepts the same annotation twice over federation, and still refuses a local duplicate", async () => {
    const roomId = await newRoom(VERSION, { preset: "public_chat" });
    const target = await mustSubmit({ _tag: "SendEvent", v: 1, roomId, sender: ALICE, type: "m.room.message", content: { body: "hi" } });
    expect((await ingest(roomId, await remote(roomId, { type: "m.room.member", stateKey: BOB, content: { membership: "join" }, ts: T0 }))).ok).toBe(true);
    for (const ts of [T0 + 1, T0 + 2]) {
      const result = await ingest(roomId, await remote(roomId, { type: "m.reaction", content: reaction(target, "👍"), ts }));
      expect(result.ok).toBe(true);
    }
    expect((await react(roomId, target, "👍", "a1")).ok).toBe(true);
    expect(await react(roomId, target, "👍", "a2")).toMatchObject({ ok: false, error: { _tag: "DuplicateAnnotation" } });
  });

  it("a remote redaction without the redact level does not free a local user's annotation", async () => {
    const roomId = await newRoom(VERSION, { preset: "public_chat" });
    const target = await mustSubmit({ _tag: "SendEvent", v: 1, roomId, sender: ALICE, type: "m.room.message", content: { body: "hi" } });
    expect((await ingest(roomId, await remote(roomId, { type: "m.room.member", stateKey: BOB, content: { membership: "join" }, ts: T0 }))).ok).toBe(true);
    const first = await react(roomId, target, "👍", "b1");
    if (!first.ok) throw new Error("first reaction refused");
    // From v11 `redacts` is in content; the auth rules accept the event, but it does not apply (no power, other server).
    const redaction = await remote(roomId, { type: "m.room.redaction", content: { redacts: first.value.eventId }, ts: T0 + 1 });
    expect((await ingest(roomId, redaction)).ok).toBe(true);
    expect((await allEntries(roomId)).at(-1)).toMatchObject({ eventId: redaction.eventId, status: "accepted", redactorHasPower: false });
    expect(await react(roomId, target, "👍", "b2")).toMatchObject({ ok: false, error: { _tag: "DuplicateAnnotation" } });
    // Alice's own redaction applies.
    expect((await submit({ _tag: "Redact", v: 1, roomId, sender: ALICE, deviceId: "DEV", txnId: "x", redacts: first.value.eventId })).ok).toBe(true);
    expect((await react(roomId, target, "👍", "b3")).ok).toBe(true);
  });
});
