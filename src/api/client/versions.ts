// GET /_matrix/client/versions: the spec versions and unstable features this server really serves.
import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/**
 * The rule: a spec version is listed once the client-server core it defines is served (accounts,
 * rooms and membership, events and relations, /sync, typing, receipts, presence, profiles, push
 * rules, the room directory and aliases), since clients take the list as the promise that they may
 * talk to the server at all: Element's discovery and matrix-rust-sdk's path selection refuse a
 * server that lists no version they know, which no user would accept.
 *
 * Modules of these versions still missing, which clients discover by their own requests (404
 * M_UNRECOGNIZED) rather than from this list: third-party invites and networks, 3PID management,
 * URL previews, OpenID tokens. Remote media answer 404 until federation exists.
 * End-to-end keys (/keys/*) and to-device messages are served for local users only: keys of users
 * on other servers answer as `failures` until federation exists. Versions after v1.12 are left out
 * until their changes are checked one by one.
 */
export const SUPPORTED_SPEC_VERSIONS: readonly string[] = [
  "v1.1",
  "v1.2",
  "v1.3",
  "v1.4",
  "v1.5",
  "v1.6",
  "v1.7",
  "v1.8",
  "v1.9",
  "v1.10",
  "v1.11",
  "v1.12",
];

export const UNSTABLE_FEATURES: Readonly<Record<string, boolean>> = {
  // Dehydrated devices (src/api/client/dehydrated/), under /unstable/org.matrix.msc3814.v1.
  "org.matrix.msc3814": true,
  // Simplified sliding sync (src/api/client/sliding-sync/), POST /unstable/org.matrix.simplified_msc3575/sync.
  "org.matrix.simplified_msc3575": true,
};

export const versionsRoutes = new Hono<AppEnv>().get("/_matrix/client/versions", (c) =>
  c.json({ versions: [...SUPPORTED_SPEC_VERSIONS], unstable_features: { ...UNSTABLE_FEATURES } }),
);
