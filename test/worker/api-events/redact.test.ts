// PUT /rooms/{roomId}/redact/{eventId}/{txnId}: the redaction, its reason, idempotent transactions and refusals.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";
import { waitForEvent, waitForEventState } from "./support";

type Json = Record<string, unknown>;

describe("PUT /rooms/{roomId}/redact/{eventId}/{txnId}", () => {
  const call = roomApp();

  it("redacts the sender's own event with a reason; a retried transaction answers with the same redaction", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const target = await send(call, alice!, roomId, "oops");
    const url = path(roomId, `redact/${encodeURIComponent(target)}/r1`);
    const first = await expectStatus(call("PUT", url, { token: alice!.accessToken, body: { reason: "typo" } }), 200);
    const again = await expectStatus(call("PUT", url, { token: alice!.accessToken, body: { reason: "typo" } }), 200);
    expect(again.body["event_id"]).toBe(first.body["event_id"]);
    const redacted = await waitForEventState(call, alice!, roomId, target, (e) => (e["unsigned"] as Json)["redacted_because"] !== undefined);
    expect(redacted["content"]).toEqual({});
    const because = (redacted["unsigned"] as Json)["redacted_because"] as Json;
    expect(because["event_id"]).toBe(first.body["event_id"]);
    expect((because["content"] as Json)["reason"]).toBe("typo");
    const redaction = await waitForEvent(call, alice!, roomId, first.body["event_id"] as string);
    expect(redaction["type"]).toBe("m.room.redaction");
    // Both places, whatever the room version: older clients read the top level, newer ones content.
    expect(redaction["redacts"]).toBe(target);
    expect((redaction["content"] as Json)["redacts"]).toBe(target);
    expect((because["content"] as Json)["redacts"]).toBe(target);
    expect(because["redacts"]).toBe(target);
  });

  it("serves redacts in both places for a room version before v11 too", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!, { room_version: "10" });
    const target = await send(call, alice!, roomId, "old room");
    const done = await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(target)}/r10`), { token: alice!.accessToken, body: {} }), 200);
    const redaction = await waitForEvent(call, alice!, roomId, done.body["event_id"] as string);
    expect(redaction["redacts"]).toBe(target);
    expect((redaction["content"] as Json)["redacts"]).toBe(target);
  });

  it("accepts an empty body; refuses another user's event without power (403), unknown events (404) and a bad reason (400)", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const alices = await send(call, alice!, roomId, "mine");
    const bobs = await send(call, bob!, roomId, "bob's");
    await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(alices)}/x1`), { token: bob!.accessToken, body: {} }), 403, "M_FORBIDDEN");
    // Alice created the room, so she holds the redact level over bob's events.
    await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(bobs)}/x2`), { token: alice!.accessToken, raw: "" }), 200);
    await expectStatus(call("PUT", path(roomId, "redact/%24unknown/x3"), { token: alice!.accessToken, body: {} }), 404, "M_NOT_FOUND");
    await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(alices)}/x4`), { token: alice!.accessToken, body: { reason: 5 } }), 400, "M_BAD_JSON");
    await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(alices)}/x5`), { body: {} }), 401, "M_MISSING_TOKEN");
  });
});
