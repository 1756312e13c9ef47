// GET /_matrix/federation/v1/query/profile and /query/directory, asked by another server over X-Matrix.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createAlias } from "../../../src/readmodels/room-alias-store";
import { register } from "../api-accounts/support";
import { askB, B, clientOfB, expectError, expectUnauthorized, unsignedToB, useTwoServers } from "./query-support";

useTwoServers();

const profilePath = (userId: string, field?: string) =>
  `/_matrix/federation/v1/query/profile?user_id=${encodeURIComponent(userId)}${field === undefined ? "" : `&field=${field}`}`;
const directoryPath = (alias: string) => `/_matrix/federation/v1/query/directory?room_alias=${encodeURIComponent(alias)}`;

describe("GET /_matrix/federation/v1/query/profile", () => {
  it("answers a local user's profile, whole or one field", async () => {
    const alice = await register(clientOfB);
    const token = alice.accessToken;
    const user = encodeURIComponent(alice.userId);
    expect((await clientOfB("PUT", `profile/${user}/displayname`, { token, body: { displayname: "Alice Ü" } })).status).toBe(200);
    expect((await clientOfB("PUT", `profile/${user}/avatar_url`, { token, body: { avatar_url: "mxc://b/abc" } })).status).toBe(200);

    expect(await askB("GET", profilePath(alice.userId))).toEqual({ status: 200, body: { displayname: "Alice Ü", avatar_url: "mxc://b/abc" } });
    expect(await askB("GET", profilePath(alice.userId, "displayname"))).toEqual({ status: 200, body: { displayname: "Alice Ü" } });
    expect(await askB("GET", profilePath(alice.userId, "avatar_url"))).toEqual({ status: 200, body: { avatar_url: "mxc://b/abc" } });
  });

  it("gives the default displayname of a user who set none, and leaves out an unset field", async () => {
    const bob = await register(clientOfB);
    expect(await askB("GET", profilePath(bob.userId))).toEqual({ status: 200, body: { displayname: bob.username } });
    expect(await askB("GET", profilePath(bob.userId, "avatar_url"))).toEqual({ status: 200, body: {} });
    expect(await askB("GET", profilePath(bob.userId, "__proto__"))).toEqual({ status: 200, body: {} });
  });

  it("answers 404 for an unknown local user, 400 for another server's user or a bad or missing user_id", async () => {
    expectError(await askB("GET", profilePath(`@nobody-here:${B.serverName}`)), 404, "M_NOT_FOUND");
    expectError(await askB("GET", profilePath("@alice:localhost:8481")), 400, "M_INVALID_PARAM");
    expectError(await askB("GET", profilePath("alice")), 400, "M_INVALID_PARAM");
    expectError(await askB("GET", "/_matrix/federation/v1/query/profile"), 400, "M_MISSING_PARAM");
  });

  it("refuses an unsigned request", async () => {
    await expectUnauthorized(await unsignedToB("GET", profilePath(`@x:${B.serverName}`)));
  });
});

describe("GET /_matrix/federation/v1/query/directory", () => {
  it("resolves a local alias to its room, naming this server", async () => {
    const alias = `#fed-${Date.now().toString(36)}:${B.serverName}`;
    const created = await createAlias(env.DB, { alias, roomId: `!r${Date.now().toString(36)}:${B.serverName}`, creator: `@c:${B.serverName}`, nowMs: 1 });
    expect(created.ok).toBe(true);
    const res = await askB("GET", directoryPath(alias));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ room_id: expect.stringMatching(/^!r/), servers: [B.serverName] });
  });

  it("answers 404 for an unknown local alias, 400 for another server's alias or a malformed or missing one", async () => {
    expectError(await askB("GET", directoryPath(`#no-such-alias:${B.serverName}`)), 404, "M_NOT_FOUND");
    expectError(await askB("GET", directoryPath("#room:localhost:8481")), 400, "M_INVALID_PARAM");
    expectError(await askB("GET", directoryPath("room")), 400, "M_INVALID_PARAM");
    expectError(await askB("GET", "/_matrix/federation/v1/query/directory"), 400, "M_MISSING_PARAM");
  });

  it("refuses an unsigned request", async () => {
    await expectUnauthorized(await unsignedToB("GET", directoryPath(`#a:${B.serverName}`)));
  });
});
