// The bindings and variables the worker receives, as declared in wrangler.toml.
import type { RoomDurableObject } from "../durable/room-durable-object";
import type { RateLimiterDurableObject } from "../durable/rate-limiter";
import type { SyncNotifierDurableObject } from "../durable/sync-notifier";
import type { TypingDurableObject } from "../durable/typing-durable-object";
import type { PresenceTimerDurableObject } from "../durable/presence-timer";

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
  /** Cloudflare Images: thumbnails. Unset (not bound): thumbnails answer 400 "cannot thumbnail". */
  readonly IMAGES?: ImagesBinding;
  /** Largest upload in bytes; unset: 50 MiB. */
  readonly MAX_UPLOAD_BYTES?: string;
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
  /** "on": contact loopback servers (localhost, 127.0.0.0/8, ::1) over plain http, for local federation tests. Off by default. */
  readonly ALLOW_HTTP_FEDERATION?: string;
  /** Per-user presence timers: idle (unavailable) and offline pushed when their deadline passes. */
  readonly PRESENCE_TIMER: DurableObjectNamespace<PresenceTimerDurableObject>;
  /** Presence timing in ms; empty: 5 minutes idle, and offline 150 s after the client's last request. */
  readonly PRESENCE_IDLE_MS?: string;
  readonly PRESENCE_OFFLINE_MS?: string;
  /** TURN for calls: comma-separated turn:/turns: URIs; empty: GET /voip/turnServer answers {}. */
  readonly TURN_URIS?: string;
  /** Secret: coturn's static-auth-secret ("use-auth-secret" REST scheme); wins over TURN_USERNAME/TURN_PASSWORD. */
  readonly TURN_SHARED_SECRET?: string;
  /** How long credentials are valid (ms); empty: one day. */
  readonly TURN_USER_LIFETIME_MS?: string;
  /** Fixed TURN credentials, used when there is no shared secret (the password is a secret). */
  readonly TURN_USERNAME?: string;
  readonly TURN_PASSWORD?: string;
}
