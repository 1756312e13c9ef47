import { describe, expect, it } from "vitest";
import { parseBackupVersion, parseBackupVersionBody } from "../../../../src/protocol/key-backup/backup-version";
import { isBackupRoomId, parseRoomKeyBackup, parseRoomKeysBody } from "../../../../src/protocol/key-backup/room-keys-body";

const data = { first_message_index: 0, forwarded_count: 0, is_verified: false, session_data: { c: "x" } };
const reasonOf = (result: { ok: boolean; error?: { reason: string } }) => (result.ok ? "ok" : result.error!.reason);

describe("parseRoomKeysBody", () => {
  it("lists every (room, session) key in body order", () => {
    const parsed = parseRoomKeysBody({ rooms: { "!a:x": { sessions: { s1: data, s2: data } }, "!b": { sessions: {} } } });
    expect(parsed.ok && parsed.value.map((u) => [u.roomId, u.sessionId])).toEqual([
      ["!a:x", "s1"],
      ["!a:x", "s2"],
    ]);
    expect(parseRoomKeysBody({ rooms: {} })).toEqual({ ok: true, value: [] });
  });

  it("refuses a missing rooms map, a non-room key, a missing sessions map and bad key data as bad JSON", () => {
    expect(reasonOf(parseRoomKeysBody({}))).toBe("bad_json");
    expect(reasonOf(parseRoomKeysBody({ rooms: [] }))).toBe("bad_json");
    expect(reasonOf(parseRoomKeysBody({ rooms: { "#alias:x": { sessions: {} } } }))).toBe("bad_json");
    expect(reasonOf(parseRoomKeysBody({ rooms: { "!a:x": {} } }))).toBe("bad_json");
    expect(reasonOf(parseRoomKeysBody({ rooms: { "!a:x": { sessions: { s: { ...data, is_verified: "no" } } } } }))).toBe("bad_json");
    expect(reasonOf(parseRoomKeyBackup({ sessions: { "": data } }, "!a:x", "body"))).toBe("bad_json");
  });

  it("room IDs start with ! and are at most 255 bytes", () => {
    expect(isBackupRoomId("!opaque:example.org")).toBe(true);
    expect(isBackupRoomId("!hashonly")).toBe(true);
    expect(isBackupRoomId("room")).toBe(false);
    expect(isBackupRoomId(`!${"a".repeat(255)}`)).toBe(false);
  });
});

describe("backup versions", () => {
  it("parses only the canonical decimal form", () => {
    expect(parseBackupVersion("1")).toBe(1);
    expect(parseBackupVersion("42")).toBe(42);
    for (const text of ["", "0", "01", "-1", "1.0", "abc", " 1", "1e3", "9".repeat(16)]) expect(parseBackupVersion(text)).toBeUndefined();
  });

  it("needs a non-empty algorithm and an auth_data object; version, if any, is a string", () => {
    expect(parseBackupVersionBody({ algorithm: "m.megolm_backup.v1.curve25519-aes-sha2", auth_data: { public_key: "k" } })).toEqual({
      ok: true,
      value: { algorithm: "m.megolm_backup.v1.curve25519-aes-sha2", authData: { public_key: "k" } },
    });
    expect(parseBackupVersionBody({ algorithm: "a", auth_data: {}, version: "3" })).toEqual({ ok: true, value: { algorithm: "a", authData: {}, version: "3" } });
    expect(reasonOf(parseBackupVersionBody({ auth_data: {} }))).toBe("bad_json");
    expect(reasonOf(parseBackupVersionBody({ algorithm: "", auth_data: {} }))).toBe("bad_json");
    expect(reasonOf(parseBackupVersionBody({ algorithm: "a" }))).toBe("bad_json");
    expect(reasonOf(parseBackupVersionBody({ algorithm: "a", auth_data: "x" }))).toBe("bad_json");
    expect(reasonOf(parseBackupVersionBody({ algorithm: "a", auth_data: {}, version: 3 }))).toBe("bad_json");
    expect(reasonOf(parseBackupVersionBody({ algorithm: "a", auth_data: { k: "x".repeat(65_536) } }))).toBe("too_large");
  });
});
