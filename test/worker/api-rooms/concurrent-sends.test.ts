// The fault case through the routes: 50 concurrent sends from 5 users into one room.
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { roomHandle } from "../../../src/durable/room-client";
import { createRoom, expectStatus, path, roomApp, syncUntil, users, type ClientEvent } from "./support";

it("stores all 50, as a linear DAG, each seen exactly once in /sync and /messages in room order", async () => {
  const call = roomApp();
  const members = await users(call, 5);
  const [alice] = members;
  const roomId = await createRoom(call, alice!, { preset: "public_chat" });
  for (const member of members.slice(1)) await expectStatus(call("POST", path(roomId, "join"), { token: member.accessToken }), 200);
  const start = await syncUntil(call, alice!, roomId, (events) => events.filter((e) => e.type === "m.room.member").length >= 5);

  const sends = members.flatMap((member, u) =>
    Array.from({ length: 10 }, (_, i) =>
      call("PUT", path(roomId, `send/m.room.message/c${u}-${i}`), { token: member.accessToken, body: { msgtype: "m.text", body: `u${u} m${i}` } }),
    ),
  );
  const answers = await Promise.all(sends);
  for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const sentIds = new Set(answers.map((a) => a.body["event_id"] as string));
  expect(sentIds.size).toBe(50);

  // The log: every send appended once; each event's only prev event is the one before it.
  const room = roomHandle(env.ROOMS, roomId);
  const info = await room.getRoomInfo();
  const log = await room.getEntries(1, info!.lastSeq);
  const messages = log.filter((e) => sentIds.has(e.eventId));
  expect(messages).toHaveLength(50);
  for (let i = 1; i < log.length; i++) {
    expect(log[i]!.event["prev_events"]).toEqual([log[i - 1]!.eventId]);
    expect(log[i]!.event["depth"]).toBe((log[i - 1]!.event["depth"] as number) + 1);
  }
  expect(info!.forwardExtremities).toEqual([log.at(-1)!.eventId]);
  const roomOrder = messages.map((e) => e.eventId);

  // Incremental /sync: each exactly once, in the log's order.
  const synced = await syncUntil(call, members[3]!, roomId, (events) => events.filter((e) => sentIds.has(e.event_id)).length >= 50, start.nextBatch);
  const syncedIds = synced.events.map((e) => e.event_id).filter((id) => sentIds.has(id));
  expect(syncedIds).toEqual(roomOrder);

  // /messages backwards in pages of 7 from the sync's end: each exactly once, reverse room order.
  const paged: string[] = [];
  let from = synced.nextBatch;
  for (let page = 0; page < 30; page++) {
    const res = await expectStatus(call("GET", path(roomId, `messages?dir=b&limit=7&from=${from}`), { token: members[4]!.accessToken }), 200);
    paged.push(...(res.body["chunk"] as ClientEvent[]).map((e) => e.event_id));
    if (res.body["end"] === undefined) break;
    from = res.body["end"] as string;
  }
  expect(paged.filter((id) => sentIds.has(id))).toEqual([...roomOrder].reverse());
  expect(paged).toEqual([...log.map((e) => e.eventId)].reverse());
});

it("a transaction retried concurrently is stored once", async () => {
  const call = roomApp();
  const [alice] = await users(call, 1);
  const roomId = await createRoom(call, alice!);
  const before = (await roomHandle(env.ROOMS, roomId).getRoomInfo())!.lastSeq;
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => call("PUT", path(roomId, "send/m.room.message/same"), { token: alice!.accessToken, body: { body: "once" } })),
  );
  expect(new Set(answers.map((a) => a.body["event_id"])).size).toBe(1);
  expect((await roomHandle(env.ROOMS, roomId).getRoomInfo())!.lastSeq).toBe(before + 1);
});
