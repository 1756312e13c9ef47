// Helpers for the send-to-device tests: a second device of a user, sending, and the to-device part of /sync.
import { expect } from "vitest";
import { type Call, type Registered } from "../api-rooms/support";

type Json = Record<string, unknown>;

export interface ToDeviceEvent {
  readonly sender: string;
  readonly type: string;
  readonly content: Json;
}

/** Another device of `user` (a password login), as a Registered with that device's token. */
export async function loginAgain(call: Call, user: Registered): Promise<Registered> {
  const res = await call("POST", "login", {
    body: { type: "m.login.password", identifier: { type: "m.id.user", user: user.userId }, password: user.password },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { ...user, accessToken: res.body["access_token"] as string, deviceId: res.body["device_id"] as string };
}

let txn = 0;
export const nextTxn = (): string => `td${Date.now().toString(36)}${(txn++).toString(36)}`;

export const sendPath = (type: string, txnId: string): string => `sendToDevice/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`;

/** PUT /sendToDevice with `messages`, expecting 200 {}. */
export async function sendToDevice(
  call: Call,
  from: Registered,
  messages: Record<string, Record<string, Json>>,
  options: { type?: string; txnId?: string } = {},
): Promise<void> {
  const res = await call("PUT", sendPath(options.type ?? "m.test", options.txnId ?? nextTxn()), { token: from.accessToken, body: { messages } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toEqual({});
}

/** One /sync (timeout 0 unless told) and its to-device events. */
export async function syncToDevice(
  call: Call,
  user: Registered,
  since?: string,
  timeout = 0,
): Promise<{ events: ToDeviceEvent[]; nextBatch: string; body: Json }> {
  const query = `sync?timeout=${timeout}${since === undefined ? "" : `&since=${since}`}`;
  const res = await call("GET", query, { token: user.accessToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const events = ((res.body["to_device"] as { events?: ToDeviceEvent[] } | undefined)?.events ?? []) as ToDeviceEvent[];
  return { events, nextBatch: res.body["next_batch"] as string, body: res.body };
}
