// Helpers for the push route tests: push rule paths, a joined two-user room, and waiting for events in the read model.
import { env } from "cloudflare:test";
import type { Call, Registered } from "../api-rooms/support";
import { createRoom, expectStatus, path } from "../api-rooms/support";

export { expectStatus, path, roomApp, users, type Call, type Registered } from "../api-rooms/support";

type JsonRecord = Record<string, unknown>;
export type Rule = { rule_id: string; default: boolean; enabled: boolean; actions: unknown[]; conditions?: unknown[]; pattern?: string };
export type Ruleset = Record<"override" | "content" | "room" | "sender" | "underride", Rule[]>;

export const rulePath = (kind: string, ruleId: string, rest = ""): string =>
  `pushrules/global/${kind}/${encodeURIComponent(ruleId)}${rest === "" ? "" : `/${rest}`}`;

export async function ruleset(call: Call, user: Registered): Promise<Ruleset> {
  const res = await expectStatus(call("GET", "pushrules/", { token: user.accessToken }), 200);
  return (res.body as JsonRecord)["global"] as Ruleset;
}

export const ids = (rules: readonly Rule[]): string[] => rules.map((r) => r.rule_id);

/** Alice's private room that Bob was invited to and joined. */
export async function sharedRoom(call: Call, alice: Registered, bob: Registered): Promise<string> {
  const roomId = await createRoom(call, alice, { preset: "private_chat" });
  await expectStatus(call("POST", path(roomId, "invite"), { token: alice.accessToken, body: { user_id: bob.userId } }), 200);
  await expectStatus(call("POST", path(roomId, "join"), { token: bob.accessToken, body: {} }), 200);
  return roomId;
}

let txn = 0;
/** Sends `content` as an m.room.message (or `type`) and returns the event ID. */
export async function sendContent(call: Call, user: Registered, roomId: string, content: JsonRecord, type = "m.room.message"): Promise<string> {
  const res = await expectStatus(call("PUT", path(roomId, `send/${type}/push${txn++}`), { token: user.accessToken, body: content }), 200);
  return res.body["event_id"] as string;
}

/** The stream position of `eventId` once the projection has written it (it is asynchronous). */
export async function projectedPosition(eventId: string): Promise<number> {
  const db = (env as unknown as { DB: D1Database }).DB;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const row = await db.prepare("SELECT stream_pos FROM events WHERE event_id = ?").bind(eventId).first<{ stream_pos: number }>();
    if (row !== null) return row.stream_pos;
    if (Date.now() > deadline) throw new Error(`event ${eventId} was never projected`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
