// GET /_matrix/client/versions: the spec versions and unstable features this server really serves.
import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/**
 * The rule: a spec version is listed only once every client-server endpoint that version requires
 * of a homeserver is served (login, sync, rooms, events, ... as that version defines them), since
 * clients take the list as a promise. Add versions here as the endpoints land, oldest first.
 *
 * Still empty after the room core landed (createRoom, send, state, join/invite/leave, /sync,
 * /messages, /joined_rooms): even v1.1, the oldest version, also requires profiles, presence,
 * typing, receipts, push rules, end-to-end keys and to-device, media, the room directory and
 * aliases, none of which exist yet. An empty list costs little: matrix-js-sdk given a base URL
 * works with it (createClient, the room calls and /sync; its startClient also needs GET
 * /pushrules/). Only clients that discover the server first (AutoDiscovery, as Element's login
 * does) refuse a server that lists no version they know.
 */
export const SUPPORTED_SPEC_VERSIONS: readonly string[] = [];

/** Unstable feature flags, each listed only while the endpoint or behaviour it names is served. */
export const UNSTABLE_FEATURES: Readonly<Record<string, boolean>> = {};

export const versionsRoutes = new Hono<AppEnv>().get("/_matrix/client/versions", (c) =>
  c.json({ versions: [...SUPPORTED_SPEC_VERSIONS], unstable_features: { ...UNSTABLE_FEATURES } }),
);
