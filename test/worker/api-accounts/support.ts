// Shared helpers for the account route tests: an app with chosen settings, JSON requests, a registered user.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { hashPassword } from "../../../src/accounts/password-hash";
import { createUser } from "../../../src/accounts/user-store";
import { createApp } from "../../../src/api/app";
import type { AuthConfigShape, ServerConfigShape } from "../../../src/platform/server-config";
import { testServices } from "../../../src/platform/services";

export const SERVER = "test.example";
export const V3 = "/_matrix/client/v3";

export interface TestAppOptions {
  readonly config?: Partial<ServerConfigShape>;
  readonly auth?: Partial<AuthConfigShape>;
  readonly nowMs?: number;
}

export type Call = (
  method: string,
  path: string,
  options?: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string },
) => Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;

/** An app over the test D1 with open registration unless told otherwise, and a caller for it. */
export function testApp(options: TestAppOptions = {}): Call {
  const app = createApp({
    services: testServices({
      config: { serverName: SERVER, registration: "open", ...options.config },
      ...(options.auth === undefined ? {} : { auth: options.auth }),
      ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }),
    }),
  });
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers["Authorization"] = `Bearer ${opts.token}`;
    const init: RequestInit = { method, headers };
    if (opts.raw !== undefined) init.body = opts.raw;
    else if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
    const res = await app.request(path.startsWith("/") ? path : `${V3}/${path}`, init, env);
    const text = await res.text();
    return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
  };
}

let counter = 0;
/** A username no other test uses, so tests share the database safely. */
export const uniqueName = (prefix = "u"): string =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export interface Registered {
  readonly userId: string;
  readonly accessToken: string;
  readonly deviceId: string;
  readonly refreshToken?: string;
  readonly username: string;
  readonly password: string;
}

/** Registers through the two UIA steps (401 with a session, then m.login.dummy). */
export async function register(call: Call, extra: Record<string, unknown> = {}): Promise<Registered> {
  const username = (extra["username"] as string | undefined) ?? uniqueName();
  const password = (extra["password"] as string | undefined) ?? "correct horse battery staple";
  const body = { username, password, ...extra };
  const first = await call("POST", "register", { body });
  expect(first.status).toBe(401);
  const session = first.body["session"] as string;
  const done = await call("POST", "register", { body: { ...body, auth: { type: "m.login.dummy", session } } });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return {
    userId: done.body["user_id"] as string,
    accessToken: done.body["access_token"] as string,
    deviceId: done.body["device_id"] as string,
    ...(typeof done.body["refresh_token"] === "string" ? { refreshToken: done.body["refresh_token"] } : {}),
    username,
    password,
  };
}

/** The m.login.password UIA dict for `user`. */
export const passwordAuth = (user: Registered, session: string, password = user.password) => ({
  type: "m.login.password",
  identifier: { type: "m.id.user", user: user.userId },
  password,
  session,
});

/**
 * An admin account written straight into D1 (as `npm run admin` does), logged in through `call`.
 * `serverName` must be the one the app under test serves.
 */
export async function makeAdmin(call: Call, serverName: string = env.SERVER_NAME): Promise<{ token: string; userId: string }> {
  const localpart = uniqueName("admin");
  const created = await createUser(env.DB, { localpart, serverName, passwordHash: await hashPassword("admin pw"), isAdmin: true, now: Date.now() });
  if (!created.ok) throw new Error("could not create the admin");
  const res = await call("POST", "login", { body: { type: "m.login.password", user: localpart, password: "admin pw" } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { token: res.body["access_token"] as string, userId: res.body["user_id"] as string };
}
