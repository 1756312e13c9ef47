// /_matrix/federation/v1/version needs no authentication; unknown federation endpoints are 404 M_UNRECOGNIZED.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import packageJson from "../../../package.json";

describe("federation version and unknown endpoints", () => {
  it("names this implementation, without X-Matrix", async () => {
    const res = await SELF.fetch("http://localhost/_matrix/federation/v1/version");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ server: { name: packageJson.name, version: packageJson.version } });
  });

  it("answers 404 M_UNRECOGNIZED for an unknown federation endpoint, with or without a header", async () => {
    for (const headers of [{} as Record<string, string>, { Authorization: 'X-Matrix origin="a.example",key="ed25519:a",sig="x"' }]) {
      const res = await SELF.fetch("http://localhost/_matrix/federation/v1/no_such_thing", { headers });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ errcode: "M_UNRECOGNIZED" });
    }
  });

  it("answers 405 M_UNRECOGNIZED for another method on a known federation endpoint", async () => {
    const res = await SELF.fetch("http://localhost/_matrix/federation/v1/version", { method: "POST", body: "{}" });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ errcode: "M_UNRECOGNIZED" });
  });
});
