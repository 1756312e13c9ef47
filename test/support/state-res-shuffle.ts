// Seeded shuffles for checking that state resolution ignores the order of its inputs.
import { expect } from "vitest";
import type { RoomEvent } from "../../src/protocol/pdu";
import type { Result } from "../../src/protocol/result";
import type { RoomVersionRules } from "../../src/protocol/room-versions";
import { resolveState, type ResolveStateOptions } from "../../src/protocol/state-res/resolve-state";
import type { StateResError } from "../../src/protocol/state-res/state-res-error";

/** mulberry32: a tiny deterministic PRNG, so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export const SEEDS = [1, 2, 3, 5, 8, 13, 21, 34] as const;

/** A plain value to compare results by: entries in iteration order, or the error. */
function snapshot(result: Result<Map<string, string>, StateResError>): unknown {
  return result.ok ? { ok: [...result.value] } : { error: result.error };
}

/**
 * Resolves `stateSets` as given and under each seed with the sets reordered and every map rebuilt
 * in a shuffled insertion order; asserts all answers are identical and returns the first.
 */
export function resolveShuffled(
  rules: RoomVersionRules,
  stateSets: readonly ReadonlyMap<string, string>[],
  fetch: (eventId: string) => RoomEvent | undefined,
  options: ResolveStateOptions = {},
): Result<Map<string, string>, StateResError> {
  const first = resolveState(rules, stateSets, fetch, options);
  const expected = snapshot(first);
  for (const seed of SEEDS) {
    const random = seededRandom(seed);
    const sets = shuffled(stateSets, random).map((s) => new Map(shuffled([...s], random)));
    expect(snapshot(resolveState(rules, sets, fetch, options)), `seed ${seed}`).toEqual(expected);
  }
  return first;
}
