// State before and after events survives long delta chains (snapshots) and a DO restart (cold caches).
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RoomLogStore } from "../../../src/durable/room-log-store";
import { ALICE, allEntries, mustSubmit, newRoom, stub } from "./room-fixtures";

describe("room DO: state groups", () => {
  it("answers the state at every event across more than one snapshot interval", async () => {
    const roomId = await newRoom("12");
    const base = (await allEntries(roomId)).length; // 6 initial state events
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push(await mustSubmit({ _tag: "SetState", v: 1, roomId, sender: ALICE, type: "org.example.counter", stateKey: `k${i % 80}`, content: { i } }));
    }
    for (const i of [0, 49, 50, 51, 79, 80, 101, 119]) {
      const after = await stub(roomId).getStateAt(ids[i]!, "after");
      expect(after!.entries.length).toBe(base + Math.min(i + 1, 80));
      const entry = after!.entries.find((e) => e.stateKey === `k${i % 80}`);
      expect(entry?.eventId).toBe(ids[i]);
      const before = await stub(roomId).getStateAt(ids[i]!, "before");
      expect(before!.entries.length).toBe(base + Math.min(i, 80));
    }
    // A fresh store over the same SQLite (as after a restart) reads the same states with empty caches.
    const fresh = await runInDurableObject(env.ROOMS.get(env.ROOMS.idFromName(roomId)), (_instance, state) => {
      const store = new RoomLogStore(state.storage);
      return [store.stateAt(ids[119]!, "after")!.size, store.currentState.size, store.lastSeq];
    });
    expect(fresh).toEqual([base + 80, base + 80, base + 120]);
  });
});
