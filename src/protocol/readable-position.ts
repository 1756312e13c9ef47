// The position a reader may see a room's state at: the asked one when readable, else the nearest readable one below it.
import type { PositionRange } from "./history-visibility";

/**
 * `ranges` are sorted, disjoint, inclusive (see history-visibility). Undefined when no readable
 * position lies at or below `wanted`: the reader may not see the state there.
 */
export function readablePositionAtOrBelow(ranges: readonly PositionRange[], wanted: number): number | undefined {
  let best: number | undefined;
  for (const [low, high] of ranges) {
    if (low > wanted) break;
    best = Math.min(high, wanted);
  }
  return best;
}
