// CORS for browser clients (spec: "Web Browser Clients"), and OPTIONS answered without running any endpoint.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";

const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  // HEAD is served for every GET route, so it is listed beside the spec's recommended set.
  "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization",
};

export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  // The spec: the server MUST NOT perform any endpoint logic for OPTIONS, whatever the path.
  if (c.req.method === "OPTIONS") return c.body(null, 204, CORS_HEADERS);
  await next();
  for (const [name, value] of Object.entries(CORS_HEADERS)) c.res.headers.set(name, value);
};
