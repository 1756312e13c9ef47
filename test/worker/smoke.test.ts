import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";
it("has D1 migrated", async () => {
  const r = await env.DB.prepare("SELECT count(*) AS n FROM server_signing_keys").first<{ n: number }>();
  expect(r?.n).toBe(0);
  const res = await SELF.fetch("http://localhost/x");
  expect(res.status).toBe(404);
});
