// Shared helpers for the account store tests: a unique name per test and a ready-made user.
import { env } from "cloudflare:test";
import { createUser, type UserRecord } from "../../../src/accounts/user-store";

export const db: D1Database = env.DB;
export const SERVER = "test.example";
export const NOW = 1_700_000_000_000;

let counter = 0;
/** A localpart no other test uses, so tests can share the database. */
export const uniqueLocalpart = (prefix = "u"): string =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export async function makeUser(passwordHash: string | null = null): Promise<UserRecord> {
  const created = await createUser(db, { localpart: uniqueLocalpart(), serverName: SERVER, passwordHash, now: NOW });
  if (!created.ok) throw new Error(created.error.reason);
  return created.value;
}

export async function count(sql: string, ...binds: unknown[]): Promise<number> {
  const row = await db.prepare(`SELECT count(*) AS n FROM ${sql}`).bind(...binds).first<{ n: number }>();
  return row?.n ?? -1;
}
