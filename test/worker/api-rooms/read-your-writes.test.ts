// Membership routes and createRoom answer only once the projection holds their event: an immediate /sync sees it.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, joinedSection, path, roomApp, users } from "./support";

type JsonRecord = Record<string, unknown>;

const roomsOf = (sync: JsonRecord, section: "join" | "invite" | "leave"): JsonRecord =>
  ((sync["rooms"] as JsonRecord | undefined)?.[section] as JsonRecord | undefined) ?? {};

describe("read-your-writes after membership changes", () => {
  const call = roomApp();

  it("createRoom, then /sync at once lists the room", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!, { name: "fresh" });
    const sync = await expectStatus(call("GET", "sync?timeout=0", { token: alice!.accessToken }), 200);
    expect(joinedSection(sync.body, roomId)).toBeDefined();
  });

  it("join, then /sync (timeout=0) at once lists the room, as matrix-nio expects", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", `join/${encodeURIComponent(roomId)}`, { token: bob!.accessToken }), 200);
    const sync = await expectStatus(call("GET", "sync?timeout=0", { token: bob!.accessToken }), 200);
    expect(joinedSection(sync.body, roomId)).toBeDefined();
    const joined = await expectStatus(call("GET", "joined_rooms", { token: bob!.accessToken }), 200);
    expect(joined.body["joined_rooms"]).toContain(roomId);
  });

  it("invite shows in the invitee's next /sync; leave moves the room to the leave section at once", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "private_chat" });
    const first = await expectStatus(call("GET", "sync?timeout=0", { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "invite"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    const invited = await expectStatus(call("GET", `sync?timeout=0&since=${first.body["next_batch"] as string}`, { token: bob!.accessToken }), 200);
    expect(roomsOf(invited.body, "invite")[roomId]).toBeDefined();

    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const afterJoin = await expectStatus(call("GET", "sync?timeout=0", { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    const left = await expectStatus(call("GET", `sync?timeout=0&since=${afterJoin.body["next_batch"] as string}`, { token: bob!.accessToken }), 200);
    expect(roomsOf(left.body, "leave")[roomId]).toBeDefined();
  });

  it("a refused join still answers its error at once", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "private_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
  });
});
