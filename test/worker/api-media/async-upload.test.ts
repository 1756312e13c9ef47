// POST /_matrix/media/v1/create then PUT /_matrix/media/v3/upload/{serverName}/{mediaId} (spec v1.7 async uploads).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_PENDING_UPLOADS, UNUSED_MEDIA_LIFETIME_MS } from "../../../src/api/media/upload-routes";
import { downloadPath, expectError, mediaApp, newUser, type Raw, type Registered, randomBytes, SERVER } from "./support";

async function create(raw: Raw, user: Registered): Promise<{ mediaId: string; expiresAt: number }> {
  const res = await raw("POST", "/_matrix/media/v1/create", { token: user.accessToken });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  const uri = res.json["content_uri"] as string;
  expect(uri.startsWith(`mxc://${SERVER}/`)).toBe(true);
  return { mediaId: uri.slice(`mxc://${SERVER}/`.length), expiresAt: res.json["unused_expires_at"] as number };
}

const putPath = (mediaId: string, filename?: string) =>
  `/_matrix/media/v3/upload/${SERVER}/${mediaId}${filename === undefined ? "" : `?filename=${filename}`}`;

describe("asynchronous uploads", () => {
  const { call, raw } = mediaApp();

  it("creates an ID that expires in 24 hours, fills it once, and refuses a second upload with 409", async () => {
    const alice = await newUser(call);
    const before = Date.now();
    const { mediaId, expiresAt } = await create(raw, alice);
    expect(expiresAt).toBeGreaterThanOrEqual(before + UNUSED_MEDIA_LIFETIME_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + UNUSED_MEDIA_LIFETIME_MS);
    const bytes = randomBytes(10_000);
    const put = await raw("PUT", putPath(mediaId, "a.bin"), { token: alice.accessToken, body: bytes, headers: { "Content-Type": "image/jpeg" } });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect(put.json).toEqual({});
    const got = await raw("GET", downloadPath(mediaId), { token: alice.accessToken });
    expect(got.bytes).toEqual(bytes);
    expect(got.headers.get("Content-Type")).toBe("image/jpeg");
    expect(got.headers.get("Content-Disposition")).toBe('inline; filename="a.bin"');
    expectError(await raw("PUT", putPath(mediaId), { token: alice.accessToken, body: "other" }), 409, "M_CANNOT_OVERWRITE_MEDIA");
    expect((await raw("GET", downloadPath(mediaId), { token: alice.accessToken })).bytes).toEqual(bytes);
  });

  it("lets only the creator upload", async () => {
    const alice = await newUser(call);
    const bob = await newUser(call);
    const { mediaId } = await create(raw, alice);
    expectError(await raw("PUT", putPath(mediaId), { token: bob.accessToken, body: "x" }), 403, "M_FORBIDDEN");
    expect((await raw("PUT", putPath(mediaId), { token: alice.accessToken, body: "x" })).status).toBe(200);
  });

  it("answers 404 for IDs never created, of other servers, or expired unused", async () => {
    const alice = await newUser(call);
    expectError(await raw("PUT", putPath("NeverCreated1"), { token: alice.accessToken, body: "x" }), 404, "M_NOT_FOUND");
    const { mediaId } = await create(raw, alice);
    expectError(await raw("PUT", `/_matrix/media/v3/upload/other.example/${mediaId}`, { token: alice.accessToken, body: "x" }), 404, "M_NOT_FOUND");
    await env.DB.prepare("UPDATE media SET unused_expires_ts = ? WHERE media_id = ?").bind(Date.now() - 1, mediaId).run();
    expectError(await raw("PUT", putPath(mediaId), { token: alice.accessToken, body: "x" }), 404, "M_NOT_FOUND");
    expectError(await raw("GET", downloadPath(mediaId), { token: alice.accessToken }), 404, "M_NOT_FOUND");
  });

  it("applies the size limit to PUT as well", async () => {
    const alice = await newUser(call);
    const { mediaId } = await create(raw, alice);
    const res = await raw("PUT", putPath(mediaId), { token: alice.accessToken, body: randomBytes(101), env: { MAX_UPLOAD_BYTES: "100" } });
    expectError(res, 413, "M_TOO_LARGE");
    expect((await raw("PUT", putPath(mediaId), { token: alice.accessToken, body: randomBytes(100), env: { MAX_UPLOAD_BYTES: "100" } })).status).toBe(200);
  });

  it("limits pending uploads per user with 429 M_LIMIT_EXCEEDED; an upload frees a slot", async () => {
    const alice = await newUser(call);
    const bob = await newUser(call);
    const ids: string[] = [];
    for (let i = 0; i < MAX_PENDING_UPLOADS; i++) ids.push((await create(raw, alice)).mediaId);
    expectError(await raw("POST", "/_matrix/media/v1/create", { token: alice.accessToken }), 429, "M_LIMIT_EXCEEDED");
    // Other users have their own allowance.
    await create(raw, bob);
    expect((await raw("PUT", putPath(ids[0]!), { token: alice.accessToken, body: "done" })).status).toBe(200);
    await create(raw, alice);
    expectError(await raw("POST", "/_matrix/media/v1/create", { token: alice.accessToken }), 429, "M_LIMIT_EXCEEDED");
  });

  it("answers 504 M_NOT_YET_UPLOADED after timeout_ms, and serves content that arrives during the wait", async () => {
    const alice = await newUser(call);
    const { mediaId } = await create(raw, alice);
    const started = Date.now();
    expectError(await raw("GET", `${downloadPath(mediaId)}?timeout_ms=300`, { token: alice.accessToken }), 504, "M_NOT_YET_UPLOADED");
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expectError(await raw("GET", `${downloadPath(mediaId)}?timeout_ms=0`, { token: alice.accessToken }), 504, "M_NOT_YET_UPLOADED");
    expectError(await raw("GET", `${downloadPath(mediaId)}?timeout_ms=soon`, { token: alice.accessToken }), 400, "M_INVALID_PARAM");
    const waiting = raw("GET", `${downloadPath(mediaId)}?timeout_ms=5000`, { token: alice.accessToken });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await raw("PUT", putPath(mediaId), { token: alice.accessToken, body: "late bytes", headers: { "Content-Type": "text/plain" } })).status).toBe(200);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(new TextDecoder().decode(res.bytes)).toBe("late bytes");
  });
});
