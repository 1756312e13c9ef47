// `npm start` for real: serves, keeps its signing key across a restart, and honours SERVER_NAME/PORT.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeBase64 } from "../../src/protocol/base64";
import { isJsonObject, type JsonObject } from "../../src/protocol/json-value";
import { verifyJsonSignature } from "../../src/protocol/signing";
import { freePort, killAll, startServer } from "./started-server";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "matrix-e2e-"));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function getJson(url: string): Promise<JsonObject> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  const body: unknown = await res.json();
  if (!isJsonObject(body)) throw new Error(`${url}: not a JSON object`);
  return body;
}

/** The published key, after checking the response is signed by it. */
async function verifiedKey(baseUrl: string, serverName: string): Promise<{ keyId: string; key: string }> {
  const body = await getJson(`${baseUrl}/_matrix/key/v2/server`);
  expect(body["server_name"]).toBe(serverName);
  const verifyKeys = body["verify_keys"];
  if (!isJsonObject(verifyKeys)) throw new Error("no verify_keys");
  const [keyId, entry] = Object.entries(verifyKeys)[0] ?? [];
  if (keyId === undefined || !isJsonObject(entry) || typeof entry["key"] !== "string") throw new Error("no key");
  const publicKey = decodeBase64(entry["key"]);
  if (!publicKey.ok) throw new Error("key is not base64");
  expect(verifyJsonSignature(body, serverName, keyId, publicKey.value).ok).toBe(true);
  return { keyId, key: entry["key"] };
}

describe("npm start", () => {
  it("keeps the same signing key across a real restart on the same PERSIST_DIR", async () => {
    const persistDir = tempDir();
    const port = await freePort();
    const first = await startServer({ PORT: String(port), PERSIST_DIR: persistDir });
    const serverName = `localhost:${port}`;
    const before = await verifiedKey(first.baseUrl, serverName);
    expect(await first.stop()).toBe(0);
    // The port is free again: the old process really is gone.
    await expect(fetch(`${first.baseUrl}/_matrix/client/versions`)).rejects.toThrow();

    const second = await startServer({ PORT: String(port), PERSIST_DIR: persistDir });
    expect(await verifiedKey(second.baseUrl, serverName)).toEqual(before);
    expect(await second.stop()).toBe(0);
  });

  it("takes SERVER_NAME, PORT and PUBLIC_BASE_URL from the environment", async () => {
    const server = await startServer({
      PERSIST_DIR: tempDir(),
      SERVER_NAME: "hs.example.test:8448",
      PUBLIC_BASE_URL: "https://matrix.example.test",
    });
    try {
      expect(await getJson(`${server.baseUrl}/.well-known/matrix/client`)).toEqual({
        "m.homeserver": { base_url: "https://matrix.example.test" },
      });
      expect(await getJson(`${server.baseUrl}/.well-known/matrix/server`)).toEqual({
        "m.server": "matrix.example.test:443",
      });
      await verifiedKey(server.baseUrl, "hs.example.test:8448");
    } finally {
      await server.stop();
    }
  });

  it("defaults the server name to localhost:<PORT> and the base URL to the request origin", async () => {
    const server = await startServer({ PERSIST_DIR: tempDir() });
    try {
      expect(await getJson(`${server.baseUrl}/.well-known/matrix/server`)).toEqual({ "m.server": `localhost:${server.port}` });
      expect(await getJson(`${server.baseUrl}/.well-known/matrix/client`)).toEqual({
        "m.homeserver": { base_url: server.baseUrl },
      });
    } finally {
      await server.stop();
    }
  });
});
