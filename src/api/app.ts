// The HTTP application: every route group mounted on one Hono app.
import { Hono } from "hono";
import type { Env } from "../platform/env";

export type AppEnv = { Bindings: Env };

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  return app;
}
