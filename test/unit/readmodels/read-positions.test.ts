// Read positions per timeline (spec "Threaded read receipts"): which receipt reads which events.
import { describe, expect, it } from "vitest";
import { readPositions, readUpTo } from "../../../src/readmodels/read-positions";

describe("readPositions and readUpTo", () => {
  const rooms = [
    { roomId: "!a", floor: 10 },
    { roomId: "!b", floor: 5 },
  ];
  const positions = readPositions(rooms, [
    { room_id: "!a", thread_id: "", position: 20 },
    { room_id: "!a", thread_id: "main", position: 30 },
    { room_id: "!a", thread_id: "$root", position: 40 },
    { room_id: "!b", thread_id: "", position: 3 },
    { room_id: "!elsewhere", thread_id: "", position: 99 },
  ]);

  it("reads a thread by its own receipt or the unthreaded one, the main timeline by `main` or the unthreaded one", () => {
    const a = positions.get("!a")!;
    expect(readUpTo(a, null)).toBe(30);
    expect(readUpTo(a, "$root")).toBe(40);
    // A thread without a receipt of its own: only the unthreaded one reads it, not `main`.
    expect(readUpTo(a, "$other")).toBe(20);
  });

  it("starts at the join and ignores receipts behind it or in rooms not asked about", () => {
    expect(readUpTo(positions.get("!b")!, null)).toBe(5);
    expect(readUpTo(positions.get("!b")!, "$t")).toBe(5);
    expect(positions.has("!elsewhere")).toBe(false);
  });
});
