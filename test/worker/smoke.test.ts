// The worker starts in workerd with D1 migrated, and answers HTTP through its Hono app.
import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("has D1 migrated and serves HTTP", async () => {
  const r = await env.DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'server_signing_keys'").first<{ n: number }>();
  expect(r?.n).toBe(1);
  const res = await SELF.fetch("http://localhost/_matrix/client/versions");
  expect(res.status).toBe(200);
});
