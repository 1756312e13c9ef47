// The bindings and variables the worker receives, as declared in wrangler.toml.
import type { RoomDurableObject } from "../durable/room-durable-object";
import type { RateLimiterDurableObject } from "../durable/rate-limiter";
import type { SyncNotifierDurableObject } from "../durable/sync-notifier";
import type { TypingDurableObject } from "../durable/typing-durable-object";

export interface Env {
  readonly DB: D1Database;
  readonly ROOMS: DurableObjectNamespace<RoomDurableObject>;
  /** Wakes /sync long-polls when the projection commits new positions. */
  readonly SYNC_NOTIFIER: DurableObjectNamespace<SyncNotifierDurableObject>;
  /** Token buckets for rate limiting (login, registration, message sending). */
  readonly RATE_LIMITER: DurableObjectNamespace<RateLimiterDurableObject>;
  /** Typing notifications and the typing stream position (one instance). */
  readonly TYPING: DurableObjectNamespace<TypingDurableObject>;
  readonly EVENTS: Queue<unknown>;
  readonly MEDIA: R2Bucket;
  readonly EPHEMERAL: KVNamespace;
  readonly SERVER_NAME: string;
  readonly PUBLIC_BASE_URL: string;
  readonly REGISTRATION: string;
  readonly KEY_VALIDITY_MS: string;
  /** "on" (default) or "off"; the rules are "<per second>:<burst>". */
  readonly RATE_LIMIT?: string;
  readonly RATE_LIMIT_LOGIN?: string;
  readonly RATE_LIMIT_REGISTER?: string;
  readonly RATE_LIMIT_MESSAGE?: string;
  /** Optional secret enabling /_synapse/admin/v1/register (shared-secret registration). */
  readonly REGISTRATION_SHARED_SECRET?: string;
  /** Optional secret: a base64 ed25519 seed that overrides the generated signing key. */
  readonly SIGNING_KEY_SEED?: string;
}
