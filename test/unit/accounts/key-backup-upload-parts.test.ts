import { describe, expect, it } from "vitest";
import { uploadParts } from "../../../src/accounts/key-backup-store";
import type { RoomKeyUpload } from "../../../src/protocol/key-backup/room-keys-body";

const upload = (i: number, size: number): RoomKeyUpload => ({
  roomId: "!r:x",
  sessionId: `s${i}`,
  key: { firstMessageIndex: i, forwardedCount: 0, isVerified: false, sessionData: { c: "é".repeat(size) } },
});

describe("uploadParts (an upload split into D1 parameters of bounded size)", () => {
  it("keeps every row, in order, and no part over the limit", () => {
    const uploads = Array.from({ length: 300 }, (_, i) => upload(i, 500));
    const parts = uploadParts(uploads, 20_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(new TextEncoder().encode(part).byteLength).toBeLessThanOrEqual(20_000);
    const rows = parts.flatMap((part) => JSON.parse(part) as [string, string, string, string][]);
    expect(rows.map((r) => r[1])).toEqual(uploads.map((u) => u.sessionId));
    expect(JSON.parse(rows[7]![3])).toEqual({ first_message_index: 7, forwarded_count: 0, is_verified: false, session_data: { c: "é".repeat(500) } });
  });

  it("gives a row larger than the limit a part of its own, and nothing for no uploads", () => {
    const parts = uploadParts([upload(0, 10), upload(1, 5000), upload(2, 10)], 1000);
    expect(parts.map((p) => (JSON.parse(p) as unknown[]).length)).toEqual([1, 1, 1]);
    expect(uploadParts([])).toEqual([]);
  });
});
