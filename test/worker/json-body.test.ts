// The JSON body helper: M_NOT_JSON, M_BAD_JSON, M_TOO_LARGE and Schema decoding, on a probe route.
import { env } from "cloudflare:test";
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createApp, type AppEnv } from "../../src/api/app";
import { effectRoute } from "../../src/api/effect-route";
import { readJsonBody } from "../../src/api/json-body";
import { testServices } from "../../src/platform/services";

const Body = Schema.Struct({ name: Schema.String, count: Schema.optionalKey(Schema.Int) });

const probes = new Hono<AppEnv>()
  .post(
    "/_matrix/test/echo",
    effectRoute((c) => readJsonBody(c.req.raw, Body, { maxBytes: 1024 }).pipe(Effect.map((body) => c.json({ got: body })))),
  )
  .post(
    "/_matrix/test/params",
    effectRoute((c) => readJsonBody(c.req.raw, Body, { style: "params" }).pipe(Effect.map((body) => c.json(body)))),
  )
  .post(
    "/_matrix/test/empty-ok",
    effectRoute((c) =>
      readJsonBody(c.req.raw, Schema.Struct({}), { emptyAsObject: true }).pipe(Effect.map(() => c.json({}))),
    ),
  );
const app = createApp({ services: testServices(), extraRoutes: probes });

async function post(path: string, body: BodyInit | null, headers: Record<string, string> = {}) {
  const res = await app.request(path, { method: "POST", body, headers }, env);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("readJsonBody", () => {
  it("decodes a valid body", async () => {
    expect(await post("/_matrix/test/echo", '{"name":"a","count":3}')).toEqual({
      status: 200,
      json: { got: { name: "a", count: 3 } },
    });
  });

  it("answers text that is not JSON with 400 M_NOT_JSON", async () => {
    for (const body of ["{", "not json", "", '{"a":1}x', "{'a':1}", '{"a":"\\ud800"}', null]) {
      const res = await post("/_matrix/test/echo", body);
      expect(res.status, String(body)).toBe(400);
      expect(res.json["errcode"], String(body)).toBe("M_NOT_JSON");
      expect(typeof res.json["error"]).toBe("string");
    }
  });

  it("answers bytes that are not UTF-8 with 400 M_NOT_JSON", async () => {
    const res = await post("/_matrix/test/echo", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]));
    expect(res).toMatchObject({ status: 400, json: { errcode: "M_NOT_JSON" } });
  });

  it("answers JSON that is not an object with 400 M_BAD_JSON", async () => {
    for (const body of ["[]", "1", '"a"', "null", "true"]) {
      const res = await post("/_matrix/test/echo", body);
      expect(res, body).toMatchObject({ status: 400, json: { errcode: "M_BAD_JSON" } });
    }
  });

  it("answers JSON outside Matrix's rules (duplicate keys, huge integers, floats) with 400 M_BAD_JSON", async () => {
    for (const body of ['{"name":"a","name":"b"}', '{"name":"a","count":9007199254740992}', '{"name":"a","count":1.5}']) {
      const res = await post("/_matrix/test/echo", body);
      expect(res, body).toMatchObject({ status: 400, json: { errcode: "M_BAD_JSON" } });
    }
  });

  it("answers an object of the wrong shape with 400 M_BAD_JSON and says which key", async () => {
    const missing = await post("/_matrix/test/echo", "{}");
    expect(missing).toMatchObject({ status: 400, json: { errcode: "M_BAD_JSON" } });
    expect(missing.json["error"]).toMatch(/name/);
    const wrongType = await post("/_matrix/test/echo", '{"name":1}');
    expect(wrongType).toMatchObject({ status: 400, json: { errcode: "M_BAD_JSON" } });
  });

  it("tells missing from invalid parameters when asked to (M_MISSING_PARAM / M_INVALID_PARAM)", async () => {
    expect(await post("/_matrix/test/params", "{}")).toMatchObject({ status: 400, json: { errcode: "M_MISSING_PARAM" } });
    expect(await post("/_matrix/test/params", '{"name":2}')).toMatchObject({
      status: 400,
      json: { errcode: "M_INVALID_PARAM" },
    });
  });

  it("answers a body over the limit with 413 M_TOO_LARGE, by Content-Length or by counting", async () => {
    const big = JSON.stringify({ name: "x".repeat(2000) });
    expect(await post("/_matrix/test/echo", big)).toMatchObject({ status: 413, json: { errcode: "M_TOO_LARGE" } });
    // A streamed body has no Content-Length: the helper must count while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(200)));
        controller.close();
      },
    });
    const res = await app.request("/_matrix/test/echo", { method: "POST", body: stream, duplex: "half" } as RequestInit, env);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ errcode: "M_TOO_LARGE" });
  });

  it("treats an empty body as {} only where a route allows it", async () => {
    expect(await post("/_matrix/test/empty-ok", "")).toEqual({ status: 200, json: {} });
    expect(await post("/_matrix/test/empty-ok", "[]")).toMatchObject({ status: 400, json: { errcode: "M_BAD_JSON" } });
  });
});
