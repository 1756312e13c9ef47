// Helpers for the directory route tests: aliases on the test server, and waiting for the read models.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { uniqueName } from "../api-accounts/support";
import type { Call, Registered } from "../api-rooms/support";

/** A fresh alias on the server the app and the room DOs both use. */
export const freshAlias = (prefix = "a"): string => `#${uniqueName(prefix)}:${env.SERVER_NAME}`;

export const aliasPath = (alias: string): string => `directory/room/${encodeURIComponent(alias)}`;

export const visibilityPath = (roomId: string): string => `directory/list/room/${encodeURIComponent(roomId)}`;

/** POST /publicRooms until `done` holds (the projection applies room state a moment after it is sent). */
export async function publicRoomsUntil(
  call: Call,
  user: Registered,
  body: Record<string, unknown>,
  done: (chunk: Record<string, unknown>[]) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 15_000;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const res = await call("POST", "publicRooms", { token: user.accessToken, body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    last = res.body;
    if (done(res.body["chunk"] as Record<string, unknown>[])) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`publicRooms never matched; last answer ${JSON.stringify(last)}`);
}
