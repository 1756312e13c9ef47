// TURN credentials for GET /voip/turnServer: the coturn "use-auth-secret" REST scheme, or fixed ones.
import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { encodeBase64 } from "../base64";

/** How the server hands out TURN credentials; "none" when TURN is not configured. */
export type TurnSettings =
  | { readonly kind: "none" }
  | { readonly kind: "shared_secret"; readonly uris: readonly string[]; readonly secret: string; readonly lifetimeMs: number }
  | { readonly kind: "static"; readonly uris: readonly string[]; readonly username: string; readonly password: string; readonly lifetimeMs: number };

/** The spec's response body: all four fields are required. */
export interface TurnCredentials {
  readonly username: string;
  readonly password: string;
  readonly uris: readonly string[];
  /** Seconds. */
  readonly ttl: number;
}

const utf8 = new TextEncoder();

/** Standard base64 with `=` padding: coturn compares against the padded form (Matrix's own base64 is unpadded). */
function paddedBase64(bytes: Uint8Array): string {
  const unpadded = encodeBase64(bytes);
  return unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4);
}

/**
 * The coturn REST scheme (draft-uberti-behave-turn-rest): the username is `<expiry in unix
 * seconds>:<user ID>`, the password base64(HMAC-SHA1(secret, username)); the TURN server
 * recomputes it from the same secret and refuses it once the expiry has passed.
 */
export function sharedSecretCredentials(secret: string, userId: string, nowMs: number, lifetimeMs: number): { username: string; password: string } {
  const expiry = Math.floor((nowMs + lifetimeMs) / 1000);
  const username = `${expiry}:${userId}`;
  const password = paddedBase64(hmac(sha1, utf8.encode(secret), utf8.encode(username)));
  return { username, password };
}

/** The credentials for `userId` at `nowMs`, or undefined when TURN is not configured. */
export function turnCredentials(settings: TurnSettings, userId: string, nowMs: number): TurnCredentials | undefined {
  switch (settings.kind) {
    case "none":
      return undefined;
    case "shared_secret":
      return {
        ...sharedSecretCredentials(settings.secret, userId, nowMs, settings.lifetimeMs),
        uris: settings.uris,
        ttl: Math.floor(settings.lifetimeMs / 1000),
      };
    case "static":
      return { username: settings.username, password: settings.password, uris: settings.uris, ttl: Math.floor(settings.lifetimeMs / 1000) };
  }
}
