// History visibility on /messages, /event, /context and /search: each setting, leaving, and world_readable for non-members.
import { describe, expect, it } from "vitest";
import { expectStatus, path, roomApp, users } from "../api-rooms/support";
import {
  act,
  bodies,
  contextStatus,
  eventStatus,
  invite,
  ownMemberships,
  readAll,
  roomWithVisibility,
  searchIds,
  sendProjected,
  unique,
  type Json,
} from "./support";

describe("history visibility", () => {
  const call = roomApp();

  it("joined: a user who joins after messages sees none of them, only what follows their join", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "joined");
    const word = unique();
    const before = await sendProjected(call, alice!, roomId, `${word} before`);
    await act(call, bob!, roomId, "join");
    const after = await sendProjected(call, alice!, roomId, `${word} after`);

    const seen = await readAll(call, bob!, roomId);
    expect(bodies(seen)).toEqual([`${word} after`]);
    expect(ownMemberships(seen, bob!)).toEqual(["join"]);
    expect(await eventStatus(call, bob!, roomId, before)).toBe(404);
    expect(await contextStatus(call, bob!, roomId, before)).toBe(404);
    expect(await eventStatus(call, bob!, roomId, after)).toBe(200);
    expect(await searchIds(call, bob!, word)).toEqual([after]);
    // The context of a visible event leaves the hidden ones out.
    const context = await expectStatus(call("GET", path(roomId, `context/${encodeURIComponent(after)}?limit=20`), { token: bob!.accessToken }), 200);
    expect(bodies(context.body["events_before"] as Record<string, unknown>[])).toEqual([]);
    // Alice, joined throughout, still sees everything.
    expect(bodies(await readAll(call, alice!, roomId))).toEqual([`${word} before`, `${word} after`]);
  });

  it("shared: a user who joins later sees the messages sent before they joined", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "shared");
    const word = unique();
    const before = await sendProjected(call, alice!, roomId, `${word} before`);
    await act(call, bob!, roomId, "join");
    await sendProjected(call, alice!, roomId, `${word} after`);

    expect(bodies(await readAll(call, bob!, roomId))).toEqual([`${word} before`, `${word} after`]);
    expect(await eventStatus(call, bob!, roomId, before)).toBe(200);
    expect(await contextStatus(call, bob!, roomId, before)).toBe(200);
    expect((await searchIds(call, bob!, word)).sort()).toContain(before);
  });

  it("shared: a user who has not joined (only invited) sees nothing yet", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "shared", "private_chat");
    const word = unique();
    const message = await sendProjected(call, alice!, roomId, `${word} before`);
    await invite(call, alice!, roomId, bob!);
    await sendProjected(call, alice!, roomId, `${word} during invite`);
    await expectStatus(call("GET", path(roomId, "messages?dir=b"), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    expect(await eventStatus(call, bob!, roomId, message)).toBe(404);
  });

  it("invited: a user sees from their invite onwards once they join, nothing before it", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "invited", "private_chat");
    const word = unique();
    const before = await sendProjected(call, alice!, roomId, `${word} before`);
    await invite(call, alice!, roomId, bob!);
    const during = await sendProjected(call, alice!, roomId, `${word} during`);
    await act(call, bob!, roomId, "join");
    await sendProjected(call, alice!, roomId, `${word} after`);

    const seen = await readAll(call, bob!, roomId);
    expect(bodies(seen)).toEqual([`${word} during`, `${word} after`]);
    expect(ownMemberships(seen, bob!)).toEqual(["invite", "join"]);
    expect(await eventStatus(call, bob!, roomId, before)).toBe(404);
    expect(await contextStatus(call, bob!, roomId, during)).toBe(200);
    expect((await searchIds(call, bob!, word)).includes(before)).toBe(false);
  });

  it("a user who left reads up to their leave (including it) and nothing sent after", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "shared");
    const word = unique();
    const renameAlice = (displayname: string) =>
      expectStatus(
        call("PUT", path(roomId, `state/m.room.member/${encodeURIComponent(alice!.userId)}`), {
          token: alice!.accessToken,
          body: { membership: "join", displayname },
        }),
        200,
      );
    await act(call, bob!, roomId, "join");
    await renameAlice("Early");
    const seenByBob = await sendProjected(call, alice!, roomId, `${word} while bob is here`);
    await act(call, bob!, roomId, "leave");
    await renameAlice("Later");
    const afterLeave = await sendProjected(call, alice!, roomId, `${word} after bob left`);

    const seen = await readAll(call, bob!, roomId);
    expect(bodies(seen)).toEqual([`${word} while bob is here`]);
    expect(ownMemberships(seen, bob!)).toEqual(["join", "leave"]);
    expect(await eventStatus(call, bob!, roomId, seenByBob)).toBe(200);
    expect(await eventStatus(call, bob!, roomId, afterLeave)).toBe(404);
    expect(await contextStatus(call, bob!, roomId, afterLeave)).toBe(404);
    const ctx = await expectStatus(call("GET", path(roomId, `context/${encodeURIComponent(seenByBob)}?limit=20`), { token: bob!.accessToken }), 200);
    expect(bodies(ctx.body["events_after"] as Record<string, unknown>[])).toEqual([]);
    expect(await searchIds(call, bob!, word)).toEqual([seenByBob]);
    // Search context stops at the leave too, and profiles are as of then.
    const found = await expectStatus(
      call("POST", "search", {
        token: bob!.accessToken,
        body: { search_categories: { room_events: { search_term: word, event_context: { after_limit: 5, include_profile: true } } } },
      }),
      200,
    );
    const result = (((found.body["search_categories"] as Json)["room_events"] as Json)["results"] as Json[])[0]!;
    const context = result["context"] as Json;
    expect(bodies(context["events_after"] as Json[])).toEqual([]);
    expect(((context["profile_info"] as Json)[alice!.userId] as Json)["displayname"]).toBe("Early");
    // Forwards from the start stops at the leave too.
    const forward = await expectStatus(call("GET", path(roomId, "messages?dir=f&limit=100&from=s0"), { token: bob!.accessToken }), 200);
    expect(bodies(forward.body["chunk"] as Record<string, unknown>[])).toEqual([`${word} while bob is here`]);
  });

  it("joined: after leaving and rejoining, what was sent while away stays hidden", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "joined");
    const word = unique();
    await act(call, bob!, roomId, "join");
    await sendProjected(call, alice!, roomId, `${word} one`);
    await act(call, bob!, roomId, "leave");
    const away = await sendProjected(call, alice!, roomId, `${word} away`);
    await act(call, bob!, roomId, "join");
    await sendProjected(call, alice!, roomId, `${word} three`);
    expect(bodies(await readAll(call, bob!, roomId))).toEqual([`${word} one`, `${word} three`]);
    expect(await eventStatus(call, bob!, roomId, away)).toBe(404);
    expect((await searchIds(call, bob!, word)).includes(away)).toBe(false);
  });

  it("world_readable: a user who never joined reads /messages, /event, /context, /state and searches the room by name", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "world_readable");
    const word = unique();
    const open = await sendProjected(call, alice!, roomId, `${word} open`);
    expect(bodies(await readAll(call, eve!, roomId))).toEqual([`${word} open`]);
    expect(await eventStatus(call, eve!, roomId, open)).toBe(200);
    expect(await contextStatus(call, eve!, roomId, open)).toBe(200);
    expect(await searchIds(call, eve!, word, [roomId])).toEqual([open]);
    const state = await expectStatus(call("GET", path(roomId, "state"), { token: eve!.accessToken }), 200);
    expect((state.body as unknown as Record<string, unknown>[]).some((e) => e["type"] === "m.room.create")).toBe(true);
    await expectStatus(call("GET", path(roomId, "state/m.room.history_visibility"), { token: eve!.accessToken }), 200);

    // Once the room stops being world_readable, later messages are hidden from her; the change itself is not.
    await expectStatus(
      call("PUT", path(roomId, "state/m.room.history_visibility"), { token: alice!.accessToken, body: { history_visibility: "joined" } }),
      200,
    );
    const closed = await sendProjected(call, alice!, roomId, `${word} closed`);
    const seen = await readAll(call, eve!, roomId);
    expect(bodies(seen)).toEqual([`${word} open`]);
    expect(seen.filter((e) => e["type"] === "m.room.history_visibility").map((e) => (e["content"] as Record<string, unknown>)["history_visibility"])).toEqual([
      "world_readable",
      "joined",
    ]);
    expect(await eventStatus(call, eve!, roomId, closed)).toBe(404);
    expect(await searchIds(call, eve!, word, [roomId])).toEqual([open]);
    // Not world_readable any more: the state is for members and former members only.
    await expectStatus(call("GET", path(roomId, "state"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
  });

  it("a room that is not world_readable refuses a user who never joined", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "shared");
    const word = unique();
    const message = await sendProjected(call, alice!, roomId, `${word} private`);
    await expectStatus(call("GET", path(roomId, "messages?dir=b"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
    expect(await eventStatus(call, eve!, roomId, message)).toBe(404);
    expect(await contextStatus(call, eve!, roomId, message)).toBe(404);
    expect(await searchIds(call, eve!, word, [roomId])).toEqual([]);
    await expectStatus(call("GET", path(roomId, "state"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
  });
});
