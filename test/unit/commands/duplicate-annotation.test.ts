// The duplicate-annotation rule: a client's second annotation with the same sender, type, target and key is refused; federation never is.
import { describe, expect, it } from "vitest";
import { roomIdForCreateRoom } from "../../../src/commands/create-room-plan";
import { decide } from "../../../src/commands/decide";
import { annotationKeyOf, duplicateAnnotation, type AnnotationKey } from "../../../src/commands/duplicate-annotation";
import type { RoomCommand } from "../../../src/commands/room-command";
import type { JsonObject } from "../../../src/protocol/json-value";
import type { Pdu } from "../../../src/protocol/pdu";
import { ctxAt, MemoryRoom, SERVER } from "./memory-room";
import { remoteEvent } from "./remote-event";

const ALICE = `@alice:${SERVER}`;
const BOB = "@bob:remote.test";

function publicRoom(): MemoryRoom {
  const base = { _tag: "CreateRoom", v: 1, roomVersion: "11", createTs: 1_700_000_000_000, sender: ALICE, preset: "public_chat" } as const;
  const roomId = roomIdForCreateRoom({ ...base, roomId: `!dup:${SERVER}` });
  if (!roomId.ok) throw new Error("no room ID");
  const room = new MemoryRoom();
  room.must({ ...base, roomId: roomId.value });
  return room;
}

const reaction = (target: string, key: string): JsonObject => ({ "m.relates_to": { rel_type: "m.annotation", event_id: target, key } });
const sendCommand = (room: MemoryRoom, content: JsonObject, type = "m.reaction", txnId = "t1"): RoomCommand => ({
  _tag: "SendEvent",
  v: 1,
  roomId: room.view!.roomId,
  sender: ALICE,
  deviceId: "DEV",
  txnId,
  type,
  content,
});

/** A lookup over a fixed set of indexed annotations that records what it was asked. */
function index(entries: readonly (AnnotationKey & { eventId: string })[]) {
  const asked: AnnotationKey[] = [];
  const lookup = (key: AnnotationKey) => {
    asked.push(key);
    return entries.find((e) => e.sender === key.sender && e.type === key.type && e.relatesTo === key.relatesTo && e.key === key.key)?.eventId;
  };
  return { asked, lookup };
}

function decided(room: MemoryRoom, command: RoomCommand) {
  const result = decide(command, room.view, ctxAt(1_800_000_000_000));
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe("duplicateAnnotation", () => {
  it("refuses a client's annotation the index already holds for the same sender, type, target and key", () => {
    const room = publicRoom();
    const target = room.must(sendCommand(room, { msgtype: "m.text", body: "hi" }, "m.room.message", "m1")).eventId;
    const command = sendCommand(room, reaction(target, "👍"));
    const { asked, lookup } = index([{ sender: ALICE, type: "m.reaction", relatesTo: target, key: "👍", eventId: "$first" }]);
    const rejection = duplicateAnnotation(command, decided(room, command), lookup);
    expect(rejection?._tag).toBe("DuplicateAnnotation");
    expect(rejection?.reason).toContain("$first");
    expect(asked).toEqual([{ sender: ALICE, type: "m.reaction", relatesTo: target, key: "👍" }]);
  });

  it("lets through another key, another type, another target, and an annotation the index does not hold (never sent, or redacted)", () => {
    const room = publicRoom();
    const target = room.must(sendCommand(room, { msgtype: "m.text", body: "hi" }, "m.room.message", "m1")).eventId;
    const { lookup } = index([{ sender: ALICE, type: "m.reaction", relatesTo: target, key: "👍", eventId: "$first" }]);
    for (const command of [
      sendCommand(room, reaction(target, "🎉")),
      sendCommand(room, reaction(target, "👍"), "org.example.vote"),
      sendCommand(room, reaction("$other", "👍")),
    ]) {
      expect(duplicateAnnotation(command, decided(room, command), lookup)).toBeUndefined();
    }
    const { lookup: empty } = index([]);
    const command = sendCommand(room, reaction(target, "👍"));
    expect(duplicateAnnotation(command, decided(room, command), empty)).toBeUndefined();
  });

  it("does not look at events that are not annotations", () => {
    const room = publicRoom();
    const { asked, lookup } = index([]);
    const contents: JsonObject[] = [
      { msgtype: "m.text", body: "plain" },
      { "m.relates_to": { rel_type: "m.thread", event_id: "$x" }, body: "thread" },
      { "m.relates_to": { rel_type: "m.annotation", event_id: "$x", key: 7 } },
    ];
    for (const content of contents) {
      const command = sendCommand(room, content);
      expect(duplicateAnnotation(command, decided(room, command), lookup)).toBeUndefined();
    }
    expect(asked).toEqual([]);
  });

  it("never refuses an annotation arriving over federation (IngestPdu), even one the index holds", () => {
    const room = publicRoom();
    const view = room.view!;
    const head = room.event(view.forwardExtremities[0]!)!.event;
    const join = remoteEvent(view.rules, view.roomId, {
      type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: "join" }, prevEvents: [head], state: view.currentState, ts: 1_800_000_000_000,
    });
    room.must({ _tag: "IngestPdu", v: 1, roomId: view.roomId, pdu: join.pdu as unknown as JsonObject });
    const after = room.view!;
    const react = remoteEvent(after.rules, after.roomId, {
      type: "m.reaction", sender: BOB, content: reaction(head.eventId, "👍"), prevEvents: [join], state: after.currentState, ts: 1_800_000_000_001,
    });
    const command: RoomCommand = { _tag: "IngestPdu", v: 1, roomId: after.roomId, pdu: react.pdu as unknown as JsonObject };
    const decision = decided(room, command);
    expect(decision.events.map((e) => e.status)).toEqual(["accepted"]);
    const { asked, lookup } = index([{ sender: BOB, type: "m.reaction", relatesTo: head.eventId, key: "👍", eventId: "$first" }]);
    expect(duplicateAnnotation(command, decision, lookup)).toBeUndefined();
    expect(asked).toEqual([]);
  });
});

describe("annotationKeyOf", () => {
  const pdu = (content: JsonObject): Pdu => ({
    sender: ALICE, type: "m.reaction", content, origin_server_ts: 0, prev_events: [], auth_events: [], depth: 1, hashes: { sha256: "" }, signatures: {},
  });
  it("reads sender, type, target and key from an m.annotation relation with a string key", () => {
    expect(annotationKeyOf(pdu(reaction("$t", "👍")))).toEqual({ sender: ALICE, type: "m.reaction", relatesTo: "$t", key: "👍" });
  });
  it("is undefined for other relations, a missing target or a key that is not a string", () => {
    expect(annotationKeyOf(pdu({ "m.relates_to": { rel_type: "m.reference", event_id: "$t", key: "👍" } }))).toBeUndefined();
    expect(annotationKeyOf(pdu({ "m.relates_to": { rel_type: "m.annotation", key: "👍" } }))).toBeUndefined();
    expect(annotationKeyOf(pdu({ "m.relates_to": { rel_type: "m.annotation", event_id: "$t", key: 1 } }))).toBeUndefined();
    expect(annotationKeyOf(pdu({ body: "no relation" }))).toBeUndefined();
  });
});
