import { describe, expect, it } from "vitest";
import { OPEN_END } from "../../../src/protocol/history-visibility";
import { readablePositionAtOrBelow } from "../../../src/protocol/readable-position";

describe("readablePositionAtOrBelow", () => {
  const ranges = [
    [3, 5],
    [9, OPEN_END],
  ] as const;

  it("keeps a readable position", () => {
    expect(readablePositionAtOrBelow(ranges, 4)).toBe(4);
    expect(readablePositionAtOrBelow(ranges, 9)).toBe(9);
    expect(readablePositionAtOrBelow(ranges, OPEN_END)).toBe(OPEN_END);
  });

  it("moves a position in a gap down to the end of the range below", () => {
    expect(readablePositionAtOrBelow(ranges, 7)).toBe(5);
    expect(readablePositionAtOrBelow([[1, 6]], 100)).toBe(6);
  });

  it("has nothing below the first range or without ranges", () => {
    expect(readablePositionAtOrBelow(ranges, 2)).toBeUndefined();
    expect(readablePositionAtOrBelow([], 10)).toBeUndefined();
  });
});
