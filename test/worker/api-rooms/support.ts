// Helpers for the room route tests: an app whose server name is the room DOs', users, rooms, and waiting for the read models.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { type Call, register, type Registered, testApp, type TestAppOptions } from "../api-accounts/support";

export type { Call, Registered };

/** The room DO signs as env.SERVER_NAME, so the app must name users on that server too. */
export function roomApp(options: TestAppOptions = {}): Call {
  return testApp({ ...options, config: { serverName: env.SERVER_NAME, ...options.config } });
}

export const users = (call: Call, n: number): Promise<Registered[]> => Promise.all(Array.from({ length: n }, () => register(call)));

export async function createRoom(call: Call, user: Registered, body: Record<string, unknown> = {}): Promise<string> {
  const res = await call("POST", "createRoom", { token: user.accessToken, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body["room_id"] as string;
}

export const path = (roomId: string, rest: string): string => `rooms/${encodeURIComponent(roomId)}/${rest}`;

let txn = 0;
export async function send(call: Call, user: Registered, roomId: string, body: string): Promise<string> {
  const res = await call("PUT", path(roomId, `send/m.room.message/t${txn++}`), {
    token: user.accessToken,
    body: { msgtype: "m.text", body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body["event_id"] as string;
}

export async function expectStatus(
  promise: ReturnType<Call>,
  status: number,
  errcode?: string,
): Promise<Awaited<ReturnType<Call>>> {
  const res = await promise;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  if (errcode !== undefined) expect(res.body["errcode"]).toBe(errcode);
  return res;
}

type JsonRecord = Record<string, unknown>;
export type ClientEvent = { event_id: string; type: string; sender: string; content: JsonRecord; state_key?: string };

export const joinedSection = (sync: JsonRecord, roomId: string): JsonRecord | undefined =>
  ((sync["rooms"] as JsonRecord)["join"] as JsonRecord)[roomId] as JsonRecord | undefined;

export const timelineOf = (sync: JsonRecord, roomId: string): ClientEvent[] =>
  ((joinedSection(sync, roomId)?.["timeline"] as JsonRecord | undefined)?.["events"] as ClientEvent[] | undefined) ?? [];

/** An inline filter whose timeline holds every event these tests send, so no sync is `limited`. */
export const BIG_TIMELINE = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 1000 } } }));

/** Incremental /sync long-polls until `done` holds for the events seen so far (or the deadline passes). */
export async function syncUntil(
  call: Call,
  user: Registered,
  roomId: string,
  done: (events: ClientEvent[]) => boolean,
  since?: string,
): Promise<{ events: ClientEvent[]; nextBatch: string }> {
  const events: ClientEvent[] = [];
  let token = since;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const query = token === undefined ? `sync?timeout=0&filter=${BIG_TIMELINE}` : `sync?timeout=2000&filter=${BIG_TIMELINE}&since=${token}`;
    const res = await call("GET", query, { token: user.accessToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    events.push(...timelineOf(res.body, roomId));
    token = res.body["next_batch"] as string;
    if (done(events)) return { events, nextBatch: token };
  }
  throw new Error(`sync did not reach the expected events; saw ${events.length}`);
}
