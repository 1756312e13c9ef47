// POST /rooms/{roomId}/read_markers: the fully-read marker as room account data, and receipts in the same call.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { accountDataChanges } from "../../../src/readmodels/account-data";
import { ephemeralOf, expectStatus, message, path, receiptsOf, roomApp, sharedRoom, users } from "./support";

const fullyReadOf = async (call: ReturnType<typeof roomApp>, user: { userId: string; accessToken: string }, roomId: string) =>
  call("GET", `user/${encodeURIComponent(user.userId)}/rooms/${encodeURIComponent(roomId)}/account_data/m.fully_read`, {
    token: user.accessToken,
  });

describe("read markers", () => {
  const call = roomApp();

  it("sets m.fully_read (as account data on the account-data stream), m.read and m.read.private at once", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const first = await message(call, alice, roomId, "one");
    const second = await message(call, alice, roomId, "two");
    await expectStatus(
      call("POST", path(roomId, "read_markers"), {
        token: bob.accessToken,
        body: { "m.fully_read": first, "m.read": second, "m.read.private": second },
      }),
      200,
    );
    expect((await fullyReadOf(call, bob, roomId)).body).toEqual({ event_id: first });
    const changes = await accountDataChanges(env.DB, bob.userId, 0, Number.MAX_SAFE_INTEGER);
    expect(changes.map((c) => [c.roomId, c.type, c.content])).toEqual([[roomId, "m.fully_read", { event_id: first }]]);
    expect(receiptsOf(await ephemeralOf(bob, [roomId]), roomId)).toEqual([
      { eventId: second, type: "m.read", userId: bob.userId },
      { eventId: second, type: "m.read.private", userId: bob.userId },
    ]);
    expect(receiptsOf(await ephemeralOf(alice, [roomId]), roomId)).toEqual([{ eventId: second, type: "m.read", userId: bob.userId }]);

    // The marker moves forward only; every field is optional (since v1.4).
    await expectStatus(call("POST", path(roomId, "read_markers"), { token: bob.accessToken, body: { "m.fully_read": second } }), 200);
    await expectStatus(call("POST", path(roomId, "read_markers"), { token: bob.accessToken, body: { "m.fully_read": first } }), 200);
    expect((await fullyReadOf(call, bob, roomId)).body).toEqual({ event_id: second });
    await expectStatus(call("POST", path(roomId, "read_markers"), { token: bob.accessToken, body: {} }), 200);
  });

  it("refuses bodies of the wrong types (400), unknown events (404, writing nothing) and non-members (403)", async () => {
    const { alice, roomId } = await sharedRoom(call);
    const [carol] = await users(call, 1);
    const eventId = await message(call, alice, roomId, "x");
    const token = alice.accessToken;
    await expectStatus(call("POST", path(roomId, "read_markers"), { token, body: { "m.fully_read": 5 } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", path(roomId, "read_markers"), { token, body: { "m.read": ["$a"] } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", path(roomId, "read_markers"), { token, raw: "nope" }), 400, "M_NOT_JSON");
    await expectStatus(
      call("POST", path(roomId, "read_markers"), { token, body: { "m.fully_read": eventId, "m.read": "$missing:test.example" } }),
      404,
      "M_NOT_FOUND",
    );
    await expectStatus(fullyReadOf(call, alice, roomId), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", path(roomId, "read_markers"), { token: carol!.accessToken, body: { "m.fully_read": eventId } }), 403, "M_FORBIDDEN");
    // Setting it directly stays refused (spec: the server MUST prevent it).
    await expectStatus(
      call("PUT", `user/${encodeURIComponent(alice.userId)}/rooms/${encodeURIComponent(roomId)}/account_data/m.fully_read`, {
        token,
        body: { event_id: eventId },
      }),
      405,
    );
  });
});
