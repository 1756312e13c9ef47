// Sizes: a bulk upload close to the body limit is stored whole (D1 caps one bound value at 1 MB, so
// it is written in parts within one transaction); a single oversized key or auth_data is 413.
import { describe, expect, it } from "vitest";
import { expectStatus, roomApp, users } from "../api-rooms/support";
import { ALGORITHM, createBackup, getOk, keyData, keysPath, putKeys } from "./support";

describe("key backup sizes", () => {
  const call = roomApp();

  it("stores a bulk upload of about 1 MB whole", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    const sessions: Record<string, unknown> = {};
    // Realistic megolm backup entries are about 1 KB: ~1,000 of them fill the 1 MiB body limit.
    for (let i = 0; i < 1000; i++) sessions[`session${i}`] = { ...keyData(false, i, 0, `k${i}`), session_data: { ciphertext: "c".repeat(900), mac: "m", ephemeral: "e" } };
    const body = { rooms: { "!big:example.org": { sessions } } };
    expect(JSON.stringify(body).length).toBeGreaterThan(950_000);
    expect(JSON.stringify(body).length).toBeLessThan(1024 * 1024);
    const answer = await putKeys(call, alice!, keysPath(v), body);
    expect(answer.count).toBe(1000);
    const room = await getOk(call, alice!, keysPath(v, "!big:example.org"));
    expect(Object.keys(room["sessions"] as object)).toHaveLength(1000);
    expect((await getOk(call, alice!, keysPath(v, "!big:example.org", "session999")))["first_message_index"]).toBe(999);
  });

  it("refuses a key or auth_data over 64 KiB with 413 M_TOO_LARGE, storing nothing", async () => {
    const [alice] = await users(call, 1);
    const v = await createBackup(call, alice!);
    const huge = { ...keyData(false, 0, 0), session_data: { ciphertext: "c".repeat(70_000) } };
    await expectStatus(call("PUT", keysPath(v, "!r:x", "s"), { token: alice!.accessToken, body: huge }), 413, "M_TOO_LARGE");
    await expectStatus(
      call("PUT", keysPath(v), { token: alice!.accessToken, body: { rooms: { "!r:x": { sessions: { ok: keyData(false, 0, 0), s: huge } } } } }),
      413,
      "M_TOO_LARGE",
    );
    expect(await getOk(call, alice!, keysPath(v))).toEqual({ rooms: {} });
    const bigAuth = { algorithm: ALGORITHM, auth_data: { public_key: "k".repeat(70_000) } };
    await expectStatus(call("POST", "room_keys/version", { token: alice!.accessToken, body: bigAuth }), 413, "M_TOO_LARGE");
    await expectStatus(call("PUT", `room_keys/version/${v}`, { token: alice!.accessToken, body: bigAuth }), 413, "M_TOO_LARGE");
  });
});
