// The room DO's write path: sends, state, membership, redaction, rejections, transaction IDs and concurrency.
import { describe, expect, it, vi } from "vitest";
import { env, runInDurableObject } from "cloudflare:test";
import type { RoomLogMessage } from "../../../src/commands/log-entry";
import type { RoomDurableObject } from "../../../src/durable/room-durable-object";
import { roomLogSource, type RoomEventCommand } from "../../../src/durable/room-client";
import { stateKeyString } from "../../../src/protocol/pdu";
import { ALICE, allEntries, currentStateMap, message, mustSubmit, newRoom, stub, submit, user } from "./room-fixtures";

const BOB = user("bob");

const member = (roomId: string, sender: string, action: "join" | "invite" | "leave" | "ban" | "unban" | "kick", target?: string, reason?: string): RoomEventCommand => ({
  _tag: "Membership",
  v: 1,
  roomId,
  sender,
  action,
  ...(target === undefined ? {} : { target }),
  ...(reason === undefined ? {} : { reason }),
});

describe("room DO: commands", () => {
  it("sends, sets state, changes membership and redacts, each appended with its decision", async () => {
    const roomId = await newRoom("12");
    const first = await mustSubmit(message(roomId, ALICE, "hello", "t-1"));
    const topic = await mustSubmit({ _tag: "SetState", v: 1, roomId, sender: ALICE, type: "m.room.topic", stateKey: "", content: { topic: "x" } });
    await mustSubmit(member(roomId, ALICE, "invite", BOB));
    await mustSubmit(member(roomId, BOB, "join"));
    const bobs = await mustSubmit(message(roomId, BOB, "hi"));
    await mustSubmit(member(roomId, ALICE, "kick", BOB, "bye"));
    const redaction = await mustSubmit({ _tag: "Redact", v: 1, roomId, sender: ALICE, redacts: bobs, reason: "spam", txnId: "r-1", deviceId: "DEV" });

    const entries = await allEntries(roomId);
    const byId = new Map(entries.map((e) => [e.eventId, e]));
    expect(byId.get(first)).toMatchObject({ txn: { userId: ALICE, deviceId: "DEV", txnId: "t-1" }, stateDelta: { added: [], removed: [] } });
    expect(byId.get(topic)!.stateDelta.added).toEqual([{ type: "m.room.topic", stateKey: "", eventId: topic }]);
    expect(byId.get(redaction)!.event["content"]).toEqual({ redacts: bobs, reason: "spam" });
    const state = await currentStateMap(roomId);
    const bobMember = entries.find((e) => e.eventId === state.get(stateKeyString("m.room.member", BOB)))!;
    expect(bobMember.event["content"]).toEqual({ membership: "leave", reason: "bye" });
    // Linear: every event after the create names exactly the one before it.
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.event["prev_events"]).toEqual([entries[i - 1]!.eventId]);
  });

  it("a redaction's entry carries whether its sender held the redact level before it, queued and read back alike", async () => {
    const roomId = await newRoom("11");
    const sent: RoomLogMessage[] = [];
    await runInDurableObject(env.ROOMS.get(env.ROOMS.idFromName(roomId)), (instance: RoomDurableObject) => {
      instance.outbox.queue = { sendBatch: async (messages) => void sent.push(...[...messages].map((m) => m.body as RoomLogMessage)) };
    });
    await mustSubmit(member(roomId, ALICE, "invite", BOB));
    await mustSubmit(member(roomId, BOB, "join"));
    const own = await mustSubmit(message(roomId, BOB, "mine"));
    const other = await mustSubmit(message(roomId, BOB, "spam"));
    const byBob = await mustSubmit({ _tag: "Redact", v: 1, roomId, sender: BOB, redacts: own });
    const byAlice = await mustSubmit({ _tag: "Redact", v: 1, roomId, sender: ALICE, redacts: other });

    const entries = new Map((await allEntries(roomId)).map((e) => [e.eventId, e]));
    expect(entries.get(byBob)).toMatchObject({ redactorHasPower: false });
    expect(entries.get(byAlice)).toMatchObject({ redactorHasPower: true });
    expect(entries.get(own)).not.toHaveProperty("redactorHasPower");
    await vi.waitFor(() => expect(sent.map((m) => m.entry.eventId)).toContain(byAlice));
    for (const m of sent) expect(m.entry).toEqual(entries.get(m.entry.eventId));
  });

  it("refuses a sender who is not joined (Forbidden) and a room it does not hold (NotFound); nothing is appended", async () => {
    const roomId = await newRoom("11");
    const before = await allEntries(roomId);
    const r = await submit(message(roomId, user("mallory"), "let me in"));
    expect(r).toMatchObject({ ok: false, error: { _tag: "Forbidden", rule: expect.any(String), reason: expect.any(String) } });
    expect(await allEntries(roomId)).toEqual(before);
    const unknown = await submit(message("!doesnotexist:localhost:8008", ALICE, "anyone?"));
    expect(unknown).toMatchObject({ ok: false, error: { _tag: "NotFound" } });
    expect(await stub("!doesnotexist:localhost:8008").getRoomInfo()).toBeUndefined();
  });

  it("a repeated transaction ID returns the first event ID and stores one event, sequentially or concurrently", async () => {
    const roomId = await newRoom("12");
    const a = await mustSubmit(message(roomId, ALICE, "once", "txn-A"));
    const again = await submit(message(roomId, ALICE, "once (retry)", "txn-A"));
    expect(again).toMatchObject({ ok: true, value: { eventId: a, eventIds: [] } });
    // Another device may reuse the same txnId for a different event.
    const other = await mustSubmit(message(roomId, ALICE, "other device", "txn-A", "DEV2"));
    expect(other).not.toBe(a);

    const results = await Promise.all(Array.from({ length: 8 }, () => submit(message(roomId, ALICE, "burst", "txn-B"))));
    const ids = new Set(results.map((r) => (r.ok ? r.value.eventId : "refused")));
    expect(ids.size).toBe(1);
    const entries = await allEntries(roomId);
    expect(entries.filter((e) => e.txn?.txnId === "txn-B").length).toBe(1);
    expect(entries.filter((e) => e.txn?.txnId === "txn-A").length).toBe(2);
  });

  it("50 concurrent sends from 5 users: all stored, one linear chain, nothing lost", async () => {
    const users = ["u1", "u2", "u3", "u4", "u5"].map(user);
    const roomId = await newRoom("12", { preset: "public_chat" });
    for (const u of users) await mustSubmit(member(roomId, u, "join"));
    const before = (await allEntries(roomId)).length;
    const sends = users.flatMap((u, i) => Array.from({ length: 10 }, (_, j) => message(roomId, u, `m${i}-${j}`, `t${j}`)));
    const results = await Promise.all(sends.map((c) => submit(c)));
    expect(results.every((r) => r.ok)).toBe(true);
    const entries = await allEntries(roomId);
    expect(entries.length).toBe(before + 50);
    const bodies = entries.slice(before).map((e) => (e.event["content"] as { body: string }).body);
    expect(new Set(bodies).size).toBe(50);
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i]!.seq).toBe(i + 1);
      expect(entries[i]!.event["prev_events"]).toEqual([entries[i - 1]!.eventId]);
      expect(entries[i]!.event["depth"]).toBe(i + 1);
    }
    expect((await stub(roomId).getRoomInfo())!.forwardExtremities).toEqual([entries.at(-1)!.eventId]);
  });

  it("answers the auth chain of an event and the event itself", async () => {
    const roomId = await newRoom("12");
    const id = await mustSubmit(message(roomId, ALICE, "x"));
    const event = await stub(roomId).getEvent(id);
    expect(event).toMatchObject({ eventId: id, status: "accepted" });
    const chain = await stub(roomId).getAuthChain([id]);
    const types = chain.map((e) => e.event.type).sort();
    // v12: the create event is part of every auth chain though no event lists it.
    expect(types).toEqual(["m.room.create", "m.room.member", "m.room.power_levels"]);
    expect(await stub(roomId).getEvent("$missing")).toBeUndefined();
  });
});

describe("room client: log source for the projections", () => {
  it("returns exactly the range asked for, paging past the DO's per-call limit", async () => {
    const roomId = await newRoom("12");
    await Promise.all(Array.from({ length: 510 }, (_, i) => submit(message(roomId, ALICE, `n${i}`))));
    const source = roomLogSource(env.ROOMS);
    const all = (await source.getEntries(roomId, 1, 10_000)) as { seq: number }[];
    expect(all.length).toBe(516);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 516 }, (_, i) => i + 1));
    const slice = (await source.getEntries(roomId, 3, 5)) as { seq: number }[];
    expect(slice.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(await source.getEntries(roomId, 600, 700)).toEqual([]);
    expect(await source.getEntries("!unknown:localhost:8008", 1, 10)).toEqual([]);
  }, 60_000);
});
