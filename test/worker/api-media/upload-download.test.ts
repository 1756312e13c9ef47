// POST /upload then GET /_matrix/client/v1/media/download: identical bytes, the spec's headers, dedupe, limits.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { downloadPath, expectError, mediaApp, newUser, randomBytes, SERVER, sha256Hex, upload } from "./support";

describe("upload and authenticated download", () => {
  const { call, raw } = mediaApp();

  it("round-trips the bytes with type, disposition and safety headers", async () => {
    const alice = await newUser(call);
    const bytes = randomBytes(300_000);
    const mediaId = await upload(raw, alice, bytes, "image/png", "cat.png");
    const res = await raw("GET", downloadPath(mediaId), { token: alice.accessToken });
    expect(res.status).toBe(200);
    expect(res.bytes).toEqual(bytes);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("Content-Disposition")).toBe('inline; filename="cat.png"');
    expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(res.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
    expect(res.headers.get("Content-Length")).toBe("300000");
  });

  it("serves unsafe types as attachments, and the path's file name over the uploaded one", async () => {
    const alice = await newUser(call);
    const mediaId = await upload(raw, alice, "<script>alert(1)</script>", "text/html", "page.html");
    const res = await raw("GET", downloadPath(mediaId, "/other%20name.html"), { token: alice.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="other name.html"');
  });

  it("defaults the type to application/octet-stream and leaves the file name out when none was given", async () => {
    const alice = await newUser(call);
    const mediaId = await upload(raw, alice, new Uint8Array([1, 2, 3]), "");
    const res = await raw("GET", downloadPath(mediaId), { token: alice.accessToken });
    expect(res.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(res.headers.get("Content-Disposition")).toBe("attachment");
  });

  it("encodes a non-ASCII file name per RFC 6266", async () => {
    const alice = await newUser(call);
    const mediaId = await upload(raw, alice, "hi", "text/plain", "résumé.txt");
    const res = await raw("GET", downloadPath(mediaId), { token: alice.accessToken });
    expect(res.headers.get("Content-Disposition")).toBe("inline; filename*=utf-8''r%C3%A9sum%C3%A9.txt");
  });

  it("stores equal content once, named by its sha256, under two media IDs", async () => {
    const alice = await newUser(call);
    const bob = await newUser(call);
    const bytes = randomBytes(70_000);
    const first = await upload(raw, alice, bytes, "application/pdf", "a.pdf");
    const second = await upload(raw, bob, bytes, "application/pdf", "b.pdf");
    expect(first).not.toBe(second);
    const sha = await sha256Hex(bytes);
    const rows = await env.DB.prepare("SELECT media_id, sha256, size, uploader FROM media WHERE media_id IN (?, ?)").bind(first, second).all<{ sha256: string; size: number }>();
    expect(rows.results.map((r) => r.sha256)).toEqual([sha, sha]);
    expect(rows.results.every((r) => r.size === 70_000)).toBe(true);
    const listed = await env.MEDIA.list({ prefix: `sha256/${sha}` });
    expect(listed.objects.length).toBe(1);
    expect((await env.MEDIA.list({ prefix: "upload/" })).objects.length).toBe(0);
    const b = await raw("GET", downloadPath(second), { token: alice.accessToken });
    expect(b.headers.get("Content-Disposition")).toBe('attachment; filename="b.pdf"');
    expect(b.bytes).toEqual(bytes);
  });

  it("stores a chunked upload (no Content-Length) too", async () => {
    const alice = await newUser(call);
    const bytes = randomBytes(5000);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 2000));
        controller.enqueue(bytes.subarray(2000));
        controller.close();
      },
    });
    const mediaId = await upload(raw, alice, body, "application/octet-stream");
    const res = await raw("GET", downloadPath(mediaId), { token: alice.accessToken });
    expect(res.bytes).toEqual(bytes);
  });

  it("refuses uploads over MAX_UPLOAD_BYTES with 413 M_TOO_LARGE and reports the limit in the config", async () => {
    const alice = await newUser(call);
    const limits = { env: { MAX_UPLOAD_BYTES: "1000" } };
    expectError(await raw("POST", "/_matrix/media/v3/upload", { token: alice.accessToken, body: randomBytes(1001), ...limits }), 413, "M_TOO_LARGE");
    const ok = await raw("POST", "/_matrix/media/v3/upload", { token: alice.accessToken, body: randomBytes(1000), ...limits });
    expect(ok.status).toBe(200);
    const config = await raw("GET", "/_matrix/client/v1/media/config", { token: alice.accessToken, ...limits });
    expect(config.json).toEqual({ "m.upload.size": 1000 });
    const legacy = await raw("GET", "/_matrix/media/v3/config", { token: alice.accessToken });
    expect(legacy.json).toEqual({ "m.upload.size": 50 * 1024 * 1024 });
  });

  it("answers 404 M_NOT_FOUND for unknown, malformed and other servers' media", async () => {
    const alice = await newUser(call);
    const mediaId = await upload(raw, alice, "x", "text/plain");
    expectError(await raw("GET", downloadPath("NoSuchMedia123"), { token: alice.accessToken }), 404, "M_NOT_FOUND");
    expectError(await raw("GET", downloadPath("bad.id"), { token: alice.accessToken }), 404, "M_NOT_FOUND");
    const remote = `/_matrix/client/v1/media/download/other.example/${mediaId}`;
    expectError(await raw("GET", remote, { token: alice.accessToken }), 404, "M_NOT_FOUND");
    expectError(await raw("GET", `${remote}?allow_remote=false`, { token: alice.accessToken }), 404, "M_NOT_FOUND");
    expect(SERVER).toBe("test.example");
  });

  it("requires an access token on every v1 route, upload and create", async () => {
    const alice = await newUser(call);
    const mediaId = await upload(raw, alice, "x", "text/plain");
    for (const [method, path] of [
      ["GET", downloadPath(mediaId)],
      ["GET", downloadPath(mediaId, "/f.txt")],
      ["GET", `/_matrix/client/v1/media/thumbnail/${SERVER}/${mediaId}?width=32&height=32`],
      ["GET", "/_matrix/client/v1/media/config"],
      ["GET", "/_matrix/media/v3/config"],
      ["POST", "/_matrix/media/v3/upload"],
      ["POST", "/_matrix/media/v1/create"],
      ["PUT", `/_matrix/media/v3/upload/${SERVER}/${mediaId}`],
    ] as const) {
      expectError(await raw(method, path, method === "GET" ? {} : { body: "x" }), 401, "M_MISSING_TOKEN");
    }
  });

  it("keeps the deprecated unauthenticated download and thumbnail frozen: 404 M_NOT_FOUND", async () => {
    const alice = await newUser(call);
    const mediaId = await upload(raw, alice, "x", "text/plain");
    expectError(await raw("GET", `/_matrix/media/v3/download/${SERVER}/${mediaId}`), 404, "M_NOT_FOUND");
    expectError(await raw("GET", `/_matrix/media/v3/download/${SERVER}/${mediaId}/x.txt`), 404, "M_NOT_FOUND");
    expectError(await raw("GET", `/_matrix/media/v3/thumbnail/${SERVER}/${mediaId}?width=32&height=32`), 404, "M_NOT_FOUND");
  });
});
