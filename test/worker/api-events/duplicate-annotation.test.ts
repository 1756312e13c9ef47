// PUT /send of an annotation (a reaction): a second one with the same type and key on the same event is 400 M_DUPLICATE_ANNOTATION, unless the first was redacted.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";

const reaction = (target: string, key: string) => ({ "m.relates_to": { rel_type: "m.annotation", event_id: target, key } });

describe("duplicate annotations", () => {
  const call = roomApp();

  it("refuses a second identical reaction, allows other keys, other users, a retried transaction, and again after a redaction", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const target = await send(call, alice!, roomId, "react to me");
    const react = (user: typeof alice, txn: string, key: string, type = "m.reaction") =>
      call("PUT", path(roomId, `send/${type}/${txn}`), { token: user!.accessToken, body: reaction(target, key) });

    const first = await expectStatus(react(bob, "r1", "👍"), 200);
    const firstId = first.body["event_id"] as string;
    // Straight after the first's 200, without waiting for the read models: still a duplicate.
    await expectStatus(react(bob, "r0", "👍"), 400, "M_DUPLICATE_ANNOTATION");
    // The same transaction again is a retry, answered with the first event.
    expect((await expectStatus(react(bob, "r1", "👍"), 200)).body["event_id"]).toBe(firstId);
    await expectStatus(react(bob, "r2", "👍"), 400, "M_DUPLICATE_ANNOTATION");
    // Another key, another user, another event type: no duplicate.
    await expectStatus(react(bob, "r3", "🎉"), 200);
    await expectStatus(react(alice, "r4", "👍"), 200);
    await expectStatus(react(bob, "r5", "👍", "org.example.vote"), 200);

    // Once the first is redacted, the same reaction may be sent again.
    await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(firstId)}/x1`), { token: bob!.accessToken, body: {} }), 200);
    // Straight after the redaction's 200, without waiting for the read models.
    await expectStatus(react(bob, "r6", "👍"), 200);
  });
});
