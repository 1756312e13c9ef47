// Deactivation leaves every joined room and declines pending invites through the room DO.
import { describe, expect, it } from "vitest";
import { passwordAuth } from "../api-accounts/support";
import { createRoom, path, roomApp, users } from "./support";

const call = roomApp();

async function membershipOf(viewerToken: string, roomId: string, userId: string): Promise<unknown> {
  const res = await call("GET", path(roomId, `state/m.room.member/${encodeURIComponent(userId)}`), { token: viewerToken });
  return res.status === 200 ? res.body["membership"] : res.status;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not reached");
}

describe("POST /account/deactivate", () => {
  it("leaves every joined room and declines pending invites", async () => {
    const [alice, bob] = await users(call, 2);
    const joined = await createRoom(call, alice!, { preset: "public_chat" });
    const invited = await createRoom(call, alice!, { preset: "private_chat" });
    expect((await call("POST", `join/${encodeURIComponent(joined)}`, { token: bob!.accessToken, body: {} })).status).toBe(200);
    expect((await call("POST", path(invited, "invite"), { token: alice!.accessToken, body: { user_id: bob!.userId } })).status).toBe(200);
    // Deactivation reads the memberships read model: wait for the projection to list both rooms.
    await until(async () => {
      const res = await call("GET", "joined_rooms", { token: bob!.accessToken });
      return (res.body["joined_rooms"] as string[]).includes(joined);
    });
    await until(async () => {
      const sync = await call("GET", "sync?timeout=0", { token: bob!.accessToken });
      const rooms = sync.body["rooms"] as { invite?: Record<string, unknown> } | undefined;
      return rooms?.invite?.[invited] !== undefined;
    });

    const first = await call("POST", "account/deactivate", { token: bob!.accessToken, body: {} });
    expect(first.status).toBe(401);
    const done = await call("POST", "account/deactivate", { token: bob!.accessToken, body: { auth: passwordAuth(bob!, first.body["session"] as string) } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);

    expect(await membershipOf(alice!.accessToken, joined, bob!.userId)).toBe("leave");
    expect(await membershipOf(alice!.accessToken, invited, bob!.userId)).toBe("leave");
  });
});
