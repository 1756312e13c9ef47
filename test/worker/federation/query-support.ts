// Helpers for the inbound federation query tests: server A asks server B (both in-process), B's users made through B's client API.
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import type { JsonObject, JsonValue } from "../../../src/protocol/json-value";
import { federationRequest } from "../../../src/platform/federation-client";
import { type Call, testApp } from "../api-accounts/support";
import { keyFor, resetFederationCaches, routeTo, type TestServer, testServer } from "./support";

export const A = testServer("localhost:8481", keyFor("ed25519:a1", 11));
export const B = testServer("127.0.0.1:8482", keyFor("ed25519:b1", 22));
/** B's client API (same D1, same server name). */
export const clientOfB: Call = testApp({ config: { serverName: B.serverName } });

/** Routes A's and B's origins to the in-process apps for the whole file. */
export function useTwoServers(): void {
  const msw = setupServer();
  beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
  afterAll(() => msw.close());
  beforeEach(async () => {
    await resetFederationCaches();
    msw.resetHandlers(routeTo("http://localhost:8481", A), routeTo("http://127.0.0.1:8482", B));
  });
}

/** A request from A to B, signed by A; the status and JSON body of B's answer. */
export async function askB(method: "GET" | "POST", path: string, body?: JsonObject): Promise<{ status: number; body: JsonValue }> {
  const res = await federationRequest(A.client, { destination: B.serverName, method, path, ...(body === undefined ? {} : { body }) });
  if (!res.ok) throw new Error(`request failed: ${JSON.stringify(res.error)}`);
  return res.value;
}

/** The same request without any Authorization header. */
export async function unsignedToB(method: "GET" | "POST", path: string, body?: JsonObject): Promise<Response> {
  return B.fetch(
    new Request(`http://127.0.0.1:8482${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

export function expectError(res: { status: number; body: JsonValue }, status: number, errcode: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ errcode });
}

export async function expectUnauthorized(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ errcode: "M_UNAUTHORIZED" });
}
