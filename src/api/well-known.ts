// Discovery: /.well-known/matrix/client (client-server "Well-known URIs") and /.well-known/matrix/server.
import { Effect } from "effect";
import { Hono } from "hono";
import { parseServerName } from "../platform/server-name";
import { ServerConfig, type ServerConfigShape } from "../platform/server-config";
import type { AppEnv } from "./app-env";
import { effectRoute } from "./effect-route";

export const wellKnownRoutes = new Hono<AppEnv>()
  .get(
    "/.well-known/matrix/client",
    effectRoute((c) =>
      Effect.gen(function* () {
        const config = yield* ServerConfig;
        const baseUrl = config.publicBaseUrl ?? new URL(c.req.url).origin;
        return c.json({ "m.homeserver": { base_url: baseUrl } });
      }),
    ),
  )
  .get(
    "/.well-known/matrix/server",
    effectRoute((c) =>
      Effect.gen(function* () {
        const config = yield* ServerConfig;
        return c.json({ "m.server": federationAddress(config) });
      }),
    ),
  );

/**
 * Where other servers reach our federation API, always with an explicit port so they skip SRV
 * lookups. The worker serves federation on the same origin as the client API: with a public base
 * URL that origin is the address; otherwise it is the server name itself (port 443 when the name
 * has none, as the worker is reached over HTTPS).
 */
export function federationAddress(config: ServerConfigShape): string {
  if (config.publicBaseUrl !== undefined) {
    const url = new URL(config.publicBaseUrl);
    return `${url.hostname}:${url.port === "" ? (url.protocol === "http:" ? 80 : 443) : url.port}`;
  }
  const parts = parseServerName(config.serverName);
  return parts?.port === undefined ? `${parts?.host ?? config.serverName}:443` : config.serverName;
}
