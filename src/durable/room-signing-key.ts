// The server's signing key for the room DO: SIGNING_KEY_SEED when set, otherwise the key kept in D1.
import { Effect, Exit } from "effect";
import { makeD1SigningKeyStore } from "../platform/d1-signing-key-store";
import type { Env } from "../platform/env";
import { parseSigningKeySeed } from "../platform/signing-key-material";
import type { SigningKey } from "../protocol/signing";

/** The current signing key, or a reason it cannot be had (the caller answers Unavailable and may retry). */
export async function loadRoomSigningKey(env: Env): Promise<SigningKey | string> {
  const seed = env.SIGNING_KEY_SEED ?? "";
  if (seed !== "") return parseSigningKeySeed(seed) ?? "SIGNING_KEY_SEED is not an ed25519 seed";
  const exit = await Effect.runPromiseExit(makeD1SigningKeyStore(env.DB, { nowMs: () => Date.now() }).keys);
  return Exit.isSuccess(exit) ? exit.value.current : "the signing key store failed";
}
