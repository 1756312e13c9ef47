// Helpers for the event, relation and search route tests: sending related events and waiting for the read models.
import { expect } from "vitest";
import { type Call, path, type Registered } from "../api-rooms/support";

let txn = 0;

export async function sendContent(call: Call, user: Registered, roomId: string, content: Record<string, unknown>, type = "m.room.message"): Promise<string> {
  const res = await call("PUT", path(roomId, `send/${type}/ev${Date.now()}-${txn++}`), { token: user.accessToken, body: content });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body["event_id"] as string;
}

export const text = (body: string, extra: Record<string, unknown> = {}) => ({ msgtype: "m.text", body, ...extra });
export const threadReply = (root: string, body: string) => text(body, { "m.relates_to": { rel_type: "m.thread", event_id: root } });
export const edit = (target: string, body: string) =>
  text(`* ${body}`, { "m.new_content": text(body), "m.relates_to": { rel_type: "m.replace", event_id: target } });

/** Polls GET /event until the read models have the event (the projection runs after the send answers). */
export async function waitForEvent(call: Call, user: Registered, roomId: string, eventId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await call("GET", path(roomId, `event/${encodeURIComponent(eventId)}`), { token: user.accessToken });
    if (res.status === 200) return res.body;
    if (Date.now() > deadline) throw new Error(`event ${eventId} never became visible: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** Polls until `check` holds for the event as GET /event returns it (e.g. a redaction or aggregation applied). */
export async function waitForEventState(
  call: Call,
  user: Registered,
  roomId: string,
  eventId: string,
  check: (event: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const event = await waitForEvent(call, user, roomId, eventId);
    if (check(event)) return event;
    if (Date.now() > deadline) throw new Error(`event ${eventId} never reached the expected state: ${JSON.stringify(event)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

export const V1 = "/_matrix/client/v1";
export const v1Path = (roomId: string, rest: string): string => `${V1}/rooms/${encodeURIComponent(roomId)}/${rest}`;
