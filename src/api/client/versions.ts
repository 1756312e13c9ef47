// GET /_matrix/client/versions: the spec versions and unstable features this server really serves.
import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/**
 * The rule: a spec version is listed only once every client-server endpoint that version requires
 * of a homeserver is served (login, sync, rooms, events, ... as that version defines them), since
 * clients take the list as a promise. None is complete yet, so the list is empty; add versions
 * here as the endpoints land, oldest first.
 */
export const SUPPORTED_SPEC_VERSIONS: readonly string[] = [];

/** Unstable feature flags, each listed only while the endpoint or behaviour it names is served. */
export const UNSTABLE_FEATURES: Readonly<Record<string, boolean>> = {};

export const versionsRoutes = new Hono<AppEnv>().get("/_matrix/client/versions", (c) =>
  c.json({ versions: [...SUPPORTED_SPEC_VERSIONS], unstable_features: { ...UNSTABLE_FEATURES } }),
);
