// The server's ed25519 signing keys as an Effect service: the current key and the retired ones.
import { Context, Data, Effect, Layer } from "effect";
import type { SigningKey } from "../protocol/signing";

export interface ServerSigningKey extends SigningKey {
  readonly publicKey: Uint8Array;
}

/** A retired key: still published so that what it signed stays verifiable. */
export interface OldVerifyKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  readonly expiredTs: number;
}

export interface ServerKeys {
  readonly current: ServerSigningKey;
  readonly old: readonly OldVerifyKey[];
}

export class SigningKeyStoreError extends Data.TaggedError("SigningKeyStoreError")<{
  /** storage_failed: D1 did not answer; corrupt_key: a stored row does not form a valid key. */
  readonly reason: "storage_failed" | "corrupt_key";
  readonly cause?: unknown;
}> {}

export interface SigningKeyStoreShape {
  /** The keys, creating the first one if none exists yet. */
  readonly keys: Effect.Effect<ServerKeys, SigningKeyStoreError>;
}

export class SigningKeyStore extends Context.Service<SigningKeyStore, SigningKeyStoreShape>()(
  "platform/SigningKeyStore",
) {
  /** A store that always answers with the given keys (tests, and the SIGNING_KEY_SEED override). */
  static readonly fixed = (current: ServerSigningKey, old: readonly OldVerifyKey[] = []): Layer.Layer<SigningKeyStore> =>
    Layer.succeed(SigningKeyStore, { keys: Effect.succeed({ current, old }) });
}
