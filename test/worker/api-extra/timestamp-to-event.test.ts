// GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event: nearest visible event each way, and every error answer.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";
import { v1Path, waitForEvent } from "../api-events/support";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("GET /rooms/{roomId}/timestamp_to_event", () => {
  const call = roomApp();

  it("finds the closest event forwards and backwards", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await pause(5);
      ids.push(await send(call, alice!, roomId, `m${i}`));
    }
    const events = await Promise.all(ids.map((id) => waitForEvent(call, alice!, roomId, id)));
    const ts = events.map((e) => e["origin_server_ts"] as number);
    const at = (q: string) => call("GET", v1Path(roomId, `timestamp_to_event?${q}`), { token: alice!.accessToken });

    const exact = await expectStatus(at(`ts=${ts[1]!}&dir=f`), 200);
    expect(exact.body).toEqual({ event_id: ids[1], origin_server_ts: ts[1] });
    const after = await expectStatus(at(`ts=${ts[0]! + 1}&dir=f`), 200);
    expect(after.body["event_id"]).toBe(ts[1]! > ts[0]! ? ids[1] : ids[2]);
    const before = await expectStatus(at(`ts=${ts[2]! - 1}&dir=b`), 200);
    expect(before.body["event_id"]).toBe(ts[1]! < ts[2]! ? ids[1] : ids[0]);
    const last = await expectStatus(at(`ts=${ts[2]! + 60_000}&dir=b`), 200);
    expect(last.body).toEqual({ event_id: ids[2], origin_server_ts: ts[2] });
    await expectStatus(at(`ts=${ts[2]! + 60_000}&dir=f`), 404, "M_NOT_FOUND");
    // Nothing in the room is older than its creation.
    await expectStatus(at(`ts=1&dir=b`), 404, "M_NOT_FOUND");
  });

  it("only finds events the user may see", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat", initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }] });
    const early = await send(call, alice!, roomId, "before bob");
    const earlyTs = (await waitForEvent(call, alice!, roomId, early))["origin_server_ts"] as number;
    await pause(5);
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const hello = await send(call, alice!, roomId, "after bob");
    await waitForEvent(call, bob!, roomId, hello);
    const at = (token: string) => call("GET", v1Path(roomId, `timestamp_to_event?ts=${earlyTs}&dir=f`), { token });
    const forAlice = await expectStatus(at(alice!.accessToken), 200);
    expect(forAlice.body["event_id"]).toBe(early);
    // Bob's history starts at his join ("joined" visibility): the message before it is skipped.
    const forBob = await expectStatus(at(bob!.accessToken), 200);
    const first = await waitForEvent(call, bob!, roomId, forBob.body["event_id"] as string);
    expect(first).toMatchObject({ type: "m.room.member", state_key: bob!.userId });
  });

  it("answers 403 to a stranger, 400 for bad parameters, 401 without a token", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!);
    const at = (q: string, token = alice!.accessToken) => call("GET", v1Path(roomId, `timestamp_to_event?${q}`), { token });
    await expectStatus(at("ts=0&dir=f", eve!.accessToken), 403, "M_FORBIDDEN");
    await expectStatus(at("ts=abc&dir=f"), 400, "M_INVALID_PARAM");
    await expectStatus(at("ts=-5&dir=f"), 400, "M_INVALID_PARAM");
    await expectStatus(at("ts=5&dir=x"), 400, "M_INVALID_PARAM");
    await expectStatus(at("dir=f"), 400, "M_MISSING_PARAM");
    await expectStatus(at("ts=5"), 400, "M_MISSING_PARAM");
    await expectStatus(call("GET", v1Path("nope", "timestamp_to_event?ts=0&dir=f"), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", v1Path(roomId, "timestamp_to_event?ts=0&dir=f")), 401, "M_MISSING_TOKEN");
  });
});
