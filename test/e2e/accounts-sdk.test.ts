// Accounts end to end: matrix-js-sdk against `npm start` (UIA registration, login, devices, refresh rotation, logout), and `npm run admin`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, type MatrixClient, MatrixError } from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, killAll, type StartedServer, startServer } from "./started-server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const persistDir = mkdtempSync(path.join(tmpdir(), "matrix-e2e-accounts-"));
let server: StartedServer;
let serverName = "";

// The SDK logs every request at debug level; keep the test output readable.
// It is a loglevel logger at runtime, though its declared type hides setLevel.
(logger as unknown as { setLevel(level: string): void }).setLevel("warn");

const client = (accessToken?: string): MatrixClient =>
  createClient({
    baseUrl: server.baseUrl,
    fetchFn: globalThis.fetch.bind(globalThis),
    ...(accessToken === undefined ? {} : { accessToken }),
  });

beforeAll(async () => {
  const port = await freePort();
  serverName = `localhost:${port}`;
  // The first admin, made the documented way before the server starts.
  const made = spawnSync(process.execPath, [path.join(ROOT, "scripts/admin.mjs"), "create-user", "root", "--admin", "--password", "root pw"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), PERSIST_DIR: persistDir },
    encoding: "utf8",
  });
  expect(made.status, made.stderr + made.stdout).toBe(0);
  expect(made.stdout).toContain(`created @root:${serverName} (admin)`);
  server = await startServer({ PORT: String(port), PERSIST_DIR: persistDir, REGISTRATION: "open" });
}, 120_000);

afterAll(async () => {
  await killAll();
  rmSync(persistDir, { recursive: true, force: true });
});

async function registerThroughUia(username: string, password: string): Promise<{ userId: string; accessToken: string; deviceId: string }> {
  const sdk = client();
  let session: string | undefined;
  try {
    await sdk.registerRequest({ username, password, initial_device_display_name: "e2e" });
    throw new Error("registration without auth succeeded");
  } catch (error) {
    expect(error).toBeInstanceOf(MatrixError);
    const matrixError = error as MatrixError;
    expect(matrixError.httpStatus).toBe(401);
    expect(matrixError.data["flows"]).toEqual([{ stages: ["m.login.dummy"] }]);
    session = matrixError.data["session"] as string;
  }
  const done = await sdk.registerRequest({ username, password, initial_device_display_name: "e2e", auth: { type: "m.login.dummy", session } });
  expect(done.user_id).toBe(`@${username}:${serverName}`);
  return { userId: done.user_id, accessToken: done.access_token!, deviceId: done.device_id! };
}

describe("accounts with matrix-js-sdk", () => {
  it("registers through UIA, then whoami and getDevices see the new device", async () => {
    const alice = await registerThroughUia("alice", "alice pw");
    const sdk = client(alice.accessToken);
    const me = await sdk.whoami();
    expect(me.user_id).toBe(alice.userId);
    expect(me.device_id).toBe(alice.deviceId);
    const { devices } = await sdk.getDevices();
    expect(devices.map((d) => [d.device_id, d.display_name])).toEqual([[alice.deviceId, "e2e"]]);
  });

  it("logs in with a password and logs out; the token is dead at once", async () => {
    await registerThroughUia("bob", "bob pw");
    const sdk = client();
    const login = await sdk.loginWithPassword("bob", "bob pw");
    expect(login.user_id).toBe(`@bob:${serverName}`);
    expect((await sdk.whoami()).device_id).toBe(login.device_id);
    const viaRequest = await client().loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: `@bob:${serverName}` },
      password: "bob pw",
    });
    expect((await client(viaRequest.access_token).getDevices()).devices).toHaveLength(3);
    await sdk.logout();
    const after = client(login.access_token);
    await expect(after.whoami()).rejects.toMatchObject({ httpStatus: 401, errcode: "M_UNKNOWN_TOKEN" });
    await expect(client().loginWithPassword("bob", "wrong")).rejects.toMatchObject({ httpStatus: 403, errcode: "M_FORBIDDEN" });
  });

  it("refreshes twice; the first refresh token is then dead", async () => {
    await registerThroughUia("carol", "carol pw");
    const login = await client().loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: "carol" },
      password: "carol pw",
      refresh_token: true,
    });
    expect(login.expires_in_ms).toBeGreaterThan(0);
    const first = login.refresh_token!;
    const sdk = client();
    const one = await sdk.refreshToken(first);
    const two = await sdk.refreshToken(one.refresh_token!);
    expect((await client(two.access_token).whoami()).user_id).toBe(`@carol:${serverName}`);
    await expect(sdk.refreshToken(first)).rejects.toMatchObject({ httpStatus: 401, errcode: "M_UNKNOWN_TOKEN" });
  });

  it("the admin made by `npm run admin` can use the admin API", async () => {
    const login = await client().loginWithPassword("root", "root pw");
    const res = await fetch(`${server.baseUrl}/_synapse/admin/v2/users/${encodeURIComponent(`@alice:${serverName}`)}`, {
      headers: { Authorization: `Bearer ${login.access_token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: `@alice:${serverName}`, admin: false, deactivated: false });
  });
});
