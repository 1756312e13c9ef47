// GET /room_keys/keys bodies are streamed page by page from D1: the JSON is the same whatever the
// page size, across room boundaries and for IDs that need escaping.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { backupKeysPage, type KeyCursor, type KeyScope } from "../../../src/accounts/key-backup-store";
import { keysBodyStream, type KeysBodyShape } from "../../../src/api/client/key-backup/keys-body-stream";
import { roomApp, users } from "../api-rooms/support";
import { createBackup, getOk, keyData, keysPath, putKeys } from "./support";

async function streamed(userId: string, version: number, scope: KeyScope, shape: KeysBodyShape, pageSize: number): Promise<unknown> {
  const read = (after: KeyCursor | undefined) => backupKeysPage(env.DB, userId, version, scope, after, pageSize);
  const first = await read(undefined);
  if (first === undefined) throw new Error("no such backup");
  const text = await new Response(keysBodyStream(shape, first, async (after) => (await read(after)) ?? [], pageSize)).text();
  return JSON.parse(text);
}

describe("streamed key bodies", () => {
  const call = roomApp();

  it("page size never changes the answer", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    const rooms: Record<string, { sessions: Record<string, unknown> }> = {};
    const roomIds = ["!a:x", '!quote"room:x', "!b:x", "!c\\d:x"];
    roomIds.forEach((roomId, r) => {
      const sessions: Record<string, unknown> = {};
      for (let i = 0; i < r + 2; i++) sessions[`s/${i}+"${r}`] = keyData(i % 2 === 0, i, r, `${r}-${i}`);
      rooms[roomId] = { sessions };
    });
    await putKeys(call, alice!, keysPath(v), { rooms });
    const whole = await getOk(call, alice!, keysPath(v));
    expect(whole).toEqual({ rooms });
    for (const pageSize of [1, 2, 3, 5, 100]) {
      expect(await streamed(alice!.userId, Number(v), {}, "backup", pageSize)).toEqual({ rooms });
      expect(await streamed(alice!.userId, Number(v), { roomId: "!b:x" }, "room", pageSize)).toEqual(rooms["!b:x"]);
    }
    expect(await streamed(alice!.userId, Number(v), { roomId: "!none:x" }, "room", 2)).toEqual({ sessions: {} });
  });

  it("an empty backup is {\"rooms\": {}} at any page size", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    for (const pageSize of [1, 10]) expect(await streamed(alice!.userId, Number(v), {}, "backup", pageSize)).toEqual({ rooms: {} });
  });
});
