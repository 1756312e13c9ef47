// The users table: create (the UNIQUE localpart arbitrates races), read, password, flags, deactivation.
import type { UserId } from "../protocol/identifiers/brand";
import { err, ok, type Result } from "../protocol/result";
import { accountError, isUniqueViolation, type UserInUse, type UserNotFound } from "./account-errors";
import { deleteAllDevicesStatements } from "./device-store";
import { deleteAllKeyBackupsStatements } from "./key-backup-store";
import { positionOf } from "./device-list-stream";
import { deleteOpenIdTokensStatement } from "./openid-token-store";
import { userIdFor } from "./localpart";

export interface UserRecord {
  readonly userId: UserId;
  readonly localpart: string;
  /** NULL for accounts that cannot log in with a password (guests, deactivated accounts). */
  readonly passwordHash: string | null;
  readonly isAdmin: boolean;
  readonly isGuest: boolean;
  readonly deactivated: boolean;
  readonly locked: boolean;
  readonly suspended: boolean;
  readonly createdTs: number;
}

export interface NewUser {
  /** Already validated and lowercased (see registrationLocalpart). */
  readonly localpart: string;
  readonly serverName: string;
  readonly passwordHash: string | null;
  readonly isAdmin?: boolean;
  readonly isGuest?: boolean;
  readonly now: number;
}

interface UserRow {
  user_id: string;
  localpart: string;
  password_hash: string | null;
  is_admin: number;
  is_guest: number;
  deactivated: number;
  locked: number;
  suspended: number;
  created_ts: number;
}

const COLUMNS = "user_id, localpart, password_hash, is_admin, is_guest, deactivated, locked, suspended, created_ts";

const toRecord = (row: UserRow): UserRecord => ({
  userId: row.user_id as UserId,
  localpart: row.localpart,
  passwordHash: row.password_hash,
  isAdmin: row.is_admin !== 0,
  isGuest: row.is_guest !== 0,
  deactivated: row.deactivated !== 0,
  locked: row.locked !== 0,
  suspended: row.suspended !== 0,
  createdTs: row.created_ts,
});

const newRecord = (user: NewUser): UserRecord => ({
  userId: userIdFor(user.localpart, user.serverName),
  localpart: user.localpart,
  passwordHash: user.passwordHash,
  isAdmin: user.isAdmin ?? false,
  isGuest: user.isGuest ?? false,
  deactivated: false,
  locked: false,
  suspended: false,
  createdTs: user.now,
});

/** The INSERT alone, for callers that commit it in one batch with other writes (registration). */
export function insertUserStatement(db: D1Database, user: NewUser): { statement: D1PreparedStatement; record: UserRecord } {
  const record = newRecord(user);
  const statement = db
    .prepare(
      "INSERT INTO users (user_id, localpart, password_hash, is_admin, is_guest, created_ts) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(record.userId, record.localpart, record.passwordHash, record.isAdmin ? 1 : 0, record.isGuest ? 1 : 0, user.now);
  return { statement, record };
}

/** Maps the unique-index violation (a concurrent or earlier registration) to UserInUse; rethrows the rest. */
export function userInUseOrThrow(cause: unknown, localpart: string): Result<never, UserInUse> {
  if (isUniqueViolation(cause, "users")) return err(accountError("UserInUse", `the username ${localpart} is taken`));
  throw cause;
}

export async function createUser(db: D1Database, user: NewUser): Promise<Result<UserRecord, UserInUse>> {
  const { statement, record } = insertUserStatement(db, user);
  try {
    await statement.run();
  } catch (cause) {
    return userInUseOrThrow(cause, user.localpart);
  }
  return ok(record);
}

export async function getUser(db: D1Database, userId: string): Promise<UserRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM users WHERE user_id = ?`).bind(userId).first<UserRow>();
  return row ? toRecord(row) : null;
}

export async function getUserByLocalpart(db: D1Database, localpart: string): Promise<UserRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM users WHERE localpart = ?`).bind(localpart).first<UserRow>();
  return row ? toRecord(row) : null;
}

/** For /register/available. Deactivated accounts keep their name: IDs are never reused. */
export async function isLocalpartTaken(db: D1Database, localpart: string): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS taken FROM users WHERE localpart = ?").bind(localpart).first();
  return row !== null;
}

export async function setPasswordHash(
  db: D1Database,
  userId: string,
  passwordHash: string | null,
): Promise<Result<void, UserNotFound>> {
  const result = await db
    .prepare("UPDATE users SET password_hash = ? WHERE user_id = ? AND deactivated = 0")
    .bind(passwordHash, userId)
    .run();
  return result.meta.changes === 1 ? ok(undefined) : err(accountError("UserNotFound", `no active user ${userId}`));
}

export interface UserFlags {
  readonly isAdmin?: boolean;
  readonly locked?: boolean;
  readonly suspended?: boolean;
}

/** Admin and moderation switches; absent fields keep their value. */
export async function setUserFlags(db: D1Database, userId: string, flags: UserFlags): Promise<Result<void, UserNotFound>> {
  const bit = (value: boolean | undefined): number | null => (value === undefined ? null : value ? 1 : 0);
  const result = await db
    .prepare(
      "UPDATE users SET is_admin = coalesce(?, is_admin), locked = coalesce(?, locked), suspended = coalesce(?, suspended) WHERE user_id = ?",
    )
    .bind(bit(flags.isAdmin), bit(flags.locked), bit(flags.suspended), userId)
    .run();
  return result.meta.changes === 1 ? ok(undefined) : err(accountError("UserNotFound", `no user ${userId}`));
}

/** What a deactivation recorded: the device-list position of its device deletions (undefined: none had keys). */
export interface Deactivated {
  readonly deviceListPosition: number | undefined;
}

/**
 * Deactivation is permanent: the row stays (so the ID is never handed out again) without a
 * password, and every device (with its keys), token, OpenID token and key backup goes in the same
 * transaction. Profile and room memberships are the caller's business, and so is waking /syncs
 * with the returned device-list position.
 */
export async function deactivateUser(db: D1Database, userId: string): Promise<Result<Deactivated, UserNotFound>> {
  const results = await db.batch([
    db.prepare("UPDATE users SET deactivated = 1, password_hash = NULL WHERE user_id = ?").bind(userId),
    // Its first statement records the device-list change (when a device had keys).
    ...deleteAllDevicesStatements(db, userId),
    deleteOpenIdTokensStatement(db, userId),
    // Server-side key backups hold the user's room keys (encrypted): nobody can use them any more.
    ...deleteAllKeyBackupsStatements(db, userId),
  ]);
  if (results[0]?.meta.changes !== 1) return err(accountError("UserNotFound", `no user ${userId}`));
  return ok({ deviceListPosition: positionOf(results[1]) });
}
