// GET /_matrix/federation/v1/version: this implementation's name and version (spec "Server implementation"; no authentication).
import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/** The name and version of package.json (src/ may not import files outside it; a test keeps the two equal). */
export const SERVER_IMPLEMENTATION = { name: "matrix-workers-homeserver", version: "0.1.0" } as const;

/** The spec's OpenAPI gives this endpoint no security requirement, so it answers without X-Matrix. */
export const federationVersionRoutes = new Hono<AppEnv>().get("/_matrix/federation/v1/version", (c) =>
  c.json({ server: { ...SERVER_IMPLEMENTATION } }),
);
