// GET /_matrix/client/v1/media/thumbnail through the Images binding (sharp in local workerd): sizes,
// never upscaled, the original when small enough, caching of the recommended sizes, refusals.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { expectError, makePng, mediaApp, newUser, pngSize, sha256Hex, thumbnailPath, upload } from "./support";

describe("thumbnails", () => {
  const { call, raw } = mediaApp();

  it("scales a large image inside the smallest recommended box covering the request, and keeps it in R2", async () => {
    const alice = await newUser(call);
    const png = await makePng(1000, 500);
    const mediaId = await upload(raw, alice, png, "image/png", "wide.png");
    const res = await raw("GET", thumbnailPath(mediaId, "width=300&height=200&method=scale"), { token: alice.accessToken });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("Content-Disposition")).toBe('inline; filename="thumbnail.png"');
    expect(res.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
    // 320x240 box: 1000x500 → 320x160 (at least the requested width, the aspect kept).
    expect(pngSize(res.bytes)).toEqual({ width: 320, height: 160 });
    const cached = await env.MEDIA.list({ prefix: `thumbnail/${await sha256Hex(png)}/` });
    expect(cached.objects.map((o) => o.key)).toEqual([`thumbnail/${await sha256Hex(png)}/scale-320x160`]);
    const again = await raw("GET", thumbnailPath(mediaId, "width=320&height=240"), { token: alice.accessToken });
    expect(again.bytes).toEqual(res.bytes);
  });

  it("crops to the requested box", async () => {
    const alice = await newUser(call);
    const mediaId = await upload(raw, alice, await makePng(400, 200), "image/png");
    const res = await raw("GET", thumbnailPath(mediaId, "width=96&height=96&method=crop"), { token: alice.accessToken });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(pngSize(res.bytes)).toEqual({ width: 96, height: 96 });
  });

  it("never upscales: a small image is served re-encoded still at its own size", async () => {
    const alice = await newUser(call);
    const png = await makePng(40, 30);
    const mediaId = await upload(raw, alice, png, "image/png");
    const res = await raw("GET", thumbnailPath(mediaId, "width=640&height=480&method=scale"), { token: alice.accessToken });
    expect(res.status).toBe(200);
    expect(pngSize(res.bytes)).toEqual({ width: 40, height: 30 });
    const animated = await raw("GET", thumbnailPath(mediaId, "width=640&height=480&animated=true"), { token: alice.accessToken });
    // Animation asked for: the original itself.
    expect(animated.bytes).toEqual(png);
  });

  it("refuses what it cannot thumbnail and bad parameters", async () => {
    const alice = await newUser(call);
    const text = await upload(raw, alice, "not an image", "text/plain");
    expectError(await raw("GET", thumbnailPath(text, "width=32&height=32"), { token: alice.accessToken }), 400, "M_UNKNOWN");
    const fake = await upload(raw, alice, "not a png at all", "image/png");
    expectError(await raw("GET", thumbnailPath(fake, "width=32&height=32"), { token: alice.accessToken }), 400, "M_UNKNOWN");
    const image = await upload(raw, alice, await makePng(64, 64), "image/png");
    const bad = [
      ["height=32", 400, "M_MISSING_PARAM"],
      ["width=0&height=32", 400, "M_INVALID_PARAM"],
      ["width=-5&height=32", 400, "M_INVALID_PARAM"],
      ["width=1.5&height=32", 400, "M_INVALID_PARAM"],
      ["width=32&height=32&method=stretch", 400, "M_INVALID_PARAM"],
      ["width=32&height=32&animated=yes", 400, "M_INVALID_PARAM"],
    ] as const;
    for (const [query, status, errcode] of bad) expectError(await raw("GET", thumbnailPath(image, query), { token: alice.accessToken }), status, errcode);
    expectError(await raw("GET", thumbnailPath("UnknownMedia1", "width=32&height=32"), { token: alice.accessToken }), 404, "M_NOT_FOUND");
  });
});
