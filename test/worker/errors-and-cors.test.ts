// Unknown endpoints, wrong methods, OPTIONS and CORS headers, and that failures never leak internals.
import { SELF } from "cloudflare:test";
import { Effect } from "effect";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createApp, type AppEnv } from "../../src/api/app";
import { effectRoute } from "../../src/api/effect-route";
import { matrixError } from "../../src/api/matrix-error";
import { testServices } from "../../src/platform/services";
import { env } from "cloudflare:test";

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "access-control-allow-headers": "X-Requested-With, Content-Type, Authorization",
};

function expectCors(res: Response): void {
  for (const [name, value] of Object.entries(CORS)) expect(res.headers.get(name), name).toBe(value);
}

describe("unknown endpoints and methods", () => {
  it("answers an unknown /_matrix endpoint with 404 M_UNRECOGNIZED and CORS headers", async () => {
    const res = await SELF.fetch("http://localhost/_matrix/client/v3/no_such_thing");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ errcode: "M_UNRECOGNIZED" });
    expectCors(res);
  });

  it("answers an unknown path outside /_matrix with 404 M_UNRECOGNIZED too", async () => {
    const res = await SELF.fetch("http://localhost/");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errcode: "M_UNRECOGNIZED" });
  });

  it("answers a known path with the wrong method with 405 M_UNRECOGNIZED and Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await SELF.fetch("http://localhost/_matrix/client/versions", { method, body: "{}" });
      expect(res.status, method).toBe(405);
      expect(await res.json()).toMatchObject({ errcode: "M_UNRECOGNIZED" });
      expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      expectCors(res);
    }
  });

  it("serves HEAD for GET routes", async () => {
    const res = await SELF.fetch("http://localhost/_matrix/client/versions", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});

describe("CORS", () => {
  it("answers OPTIONS on every /_matrix path, known or not, with 204 and the CORS headers", async () => {
    for (const path of [
      "/_matrix/client/versions",
      "/_matrix/key/v2/server",
      "/_matrix/client/v3/rooms/!a:b/send/m.room.message/1",
      "/_matrix/anything/at/all",
      "/.well-known/matrix/client",
    ]) {
      const res = await SELF.fetch(`http://localhost${path}`, {
        method: "OPTIONS",
        headers: { Origin: "https://app.example", "Access-Control-Request-Method": "PUT" },
      });
      expect(res.status, path).toBe(204);
      expectCors(res);
      expect(await res.text()).toBe("");
    }
  });

  it("puts the CORS headers on every route's responses", async () => {
    for (const path of ["/_matrix/client/versions", "/_matrix/key/v2/server", "/.well-known/matrix/client", "/.well-known/matrix/server"]) {
      const res = await SELF.fetch(`http://localhost${path}`);
      expect(res.status, path).toBe(200);
      expectCors(res);
    }
  });
});

describe("failures", () => {
  const probes = new Hono<AppEnv>()
    .get("/_matrix/test/throws", () => {
      throw new Error("secret detail at /internal/path.ts:12");
    })
    .get("/_matrix/test/dies", effectRoute(() => Effect.die(new Error("secret defect"))))
    .get("/_matrix/test/rate-limited", () => {
      throw matrixError(429, "M_LIMIT_EXCEEDED", "Too many requests", { retry_after_ms: 2000, errcode: "M_NOPE" });
    })
    .get("/_matrix/test/unknown-tag", effectRoute(() => Effect.fail({ _tag: "SomethingElse", reason: "x" })));
  const app = createApp({ services: testServices(), extraRoutes: probes });

  it("turns an unexpected exception into 500 M_UNKNOWN without the message or stack", async () => {
    for (const path of ["/_matrix/test/throws", "/_matrix/test/dies", "/_matrix/test/unknown-tag"]) {
      const res = await app.request(path, {}, env);
      expect(res.status, path).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ errcode: "M_UNKNOWN", error: "Internal server error" });
      expect(text).not.toMatch(/secret|\.ts|at /);
      expectCors(res);
    }
  });

  it("renders a MatrixError with its status and extra fields, errcode and error winning", async () => {
    const res = await app.request("/_matrix/test/rate-limited", {}, env);
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ errcode: "M_LIMIT_EXCEEDED", error: "Too many requests", retry_after_ms: 2000 });
  });

  it("refuses to serve with an unusable configuration, without saying more than M_UNKNOWN", async () => {
    const broken = createApp();
    const res = await broken.request("/.well-known/matrix/server", {}, { ...env, SERVER_NAME: "bad name!" });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ errcode: "M_UNKNOWN", error: "Internal server error" });
  });
});
