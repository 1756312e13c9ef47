// /_matrix/client/versions and the two .well-known documents.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app";
import { federationAddress } from "../../src/api/well-known";
import { testServices } from "../../src/platform/services";

describe("GET /_matrix/client/versions", () => {
  it("lists the spec versions v1.1 to v1.12 whose client-server core is served, and the unstable features it serves (dehydrated devices, MSC3814)", async () => {
    const res = await SELF.fetch("http://localhost/_matrix/client/versions");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { versions: string[]; unstable_features: Record<string, boolean> };
    expect(body.versions).toContain("v1.1");
    expect(body.versions).toContain("v1.12");
    expect(body.unstable_features).toEqual({ "org.matrix.msc3814": true, "org.matrix.simplified_msc3575": true });
  });
});

describe("GET /.well-known/matrix/client", () => {
  it("derives base_url from the request origin when PUBLIC_BASE_URL is empty", async () => {
    const res = await SELF.fetch("http://127.0.0.1:8123/.well-known/matrix/client");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ "m.homeserver": { base_url: "http://127.0.0.1:8123" } });
  });

  it("uses PUBLIC_BASE_URL, without a trailing slash, when set", async () => {
    const app = createApp();
    const res = await app.request("/.well-known/matrix/client", {}, { ...env, PUBLIC_BASE_URL: "https://matrix.example.org/" });
    expect(await res.json()).toEqual({ "m.homeserver": { base_url: "https://matrix.example.org" } });
  });
});

describe("GET /.well-known/matrix/server", () => {
  it("names the server with its port", async () => {
    const res = await SELF.fetch("http://localhost/.well-known/matrix/server");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ "m.server": env.SERVER_NAME });
  });

  it("adds port 443 to a server name without one, and follows PUBLIC_BASE_URL when set", async () => {
    const base = { serverName: "example.org", publicBaseUrl: undefined, registration: "closed", keyValidityMs: 1 } as const;
    expect(federationAddress(base)).toBe("example.org:443");
    expect(federationAddress({ ...base, serverName: "[::1]" })).toBe("[::1]:443");
    expect(federationAddress({ ...base, serverName: "example.org:8448" })).toBe("example.org:8448");
    expect(federationAddress({ ...base, publicBaseUrl: "https://matrix.example.org" })).toBe("matrix.example.org:443");
    expect(federationAddress({ ...base, publicBaseUrl: "http://127.0.0.1:8008" })).toBe("127.0.0.1:8008");
  });

  it("reads the server name from the configuration service", async () => {
    const app = createApp({ services: testServices({ config: { serverName: "hs.test:9000" } }) });
    const res = await app.request("/.well-known/matrix/server", {}, env);
    expect(await res.json()).toEqual({ "m.server": "hs.test:9000" });
  });
});
