// Registration tokens (m.login.registration_token): admin CRUD, validity, and atomic reservation by a UIA session.
import { err, ok, type Result } from "../protocol/result";
import {
  accountError,
  isUniqueViolation,
  type RegistrationTokenExists,
  type RegistrationTokenInvalid,
  type RegistrationTokenNotFound,
  type RegistrationTokenParamInvalid,
  type UiaSessionUnknown,
} from "./account-errors";
import { randomString } from "./tokens";

/** The shape Synapse's admin API answers with, which admin tools expect. */
export interface RegistrationToken {
  readonly token: string;
  readonly usesAllowed: number | null;
  /** Live UIA sessions that completed the token stage but have not registered yet. */
  readonly pending: number;
  readonly completed: number;
  readonly expiryTime: number | null;
}

interface TokenRow {
  token: string;
  uses_allowed: number | null;
  pending: number;
  completed: number;
  expiry_time: number | null;
}

const toToken = (row: TokenRow): RegistrationToken => ({
  token: row.token,
  usesAllowed: row.uses_allowed,
  pending: row.pending,
  completed: row.completed,
  expiryTime: row.expiry_time,
});

/** Pending uses are the live sessions holding the token; expired sessions stop counting by themselves. */
const PENDING = "(SELECT count(*) FROM uia_sessions u WHERE u.registration_token = r.token AND u.expires_ts > ?)";
const SELECT = `SELECT r.token, r.uses_allowed, ${PENDING} AS pending, r.completed, r.expiry_time FROM registration_tokens r`;
/** Valid: not expired, and uses left once pending ones are counted. Binds `now` twice. */
const VALID = `(r.expiry_time IS NULL OR r.expiry_time > ?) AND (r.uses_allowed IS NULL OR r.completed + ${PENDING} < r.uses_allowed)`;

/** Opaque Identifier Grammar, at most 64 characters (spec, m.login.registration_token). */
const TOKEN_GRAMMAR = /^[A-Za-z0-9._~-]{1,64}$/;
const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";

const paramError = (reason: string): Result<never, RegistrationTokenParamInvalid> =>
  err(accountError("RegistrationTokenParamInvalid", reason));

function checkLimits(
  limits: { usesAllowed?: number | null; expiryTime?: number | null },
  now: number,
): Result<void, RegistrationTokenParamInvalid> {
  const { usesAllowed, expiryTime } = limits;
  if (usesAllowed != null && (!Number.isSafeInteger(usesAllowed) || usesAllowed < 0)) {
    return paramError("uses_allowed must be a non-negative integer or null");
  }
  if (expiryTime != null && (!Number.isSafeInteger(expiryTime) || expiryTime < now)) {
    return paramError("expiry_time must be an integer timestamp in milliseconds, not in the past, or null");
  }
  return ok(undefined);
}

export interface NewRegistrationToken {
  /** Absent: generated with `length` characters (default 16). */
  readonly token?: string;
  readonly length?: number;
  readonly usesAllowed?: number | null;
  readonly expiryTime?: number | null;
  readonly now: number;
}

export async function createRegistrationToken(
  db: D1Database,
  input: NewRegistrationToken,
): Promise<Result<RegistrationToken, RegistrationTokenParamInvalid | RegistrationTokenExists>> {
  const length = input.length ?? 16;
  if (input.token === undefined && (!Number.isSafeInteger(length) || length < 1 || length > 64)) {
    return paramError("length must be an integer between 1 and 64");
  }
  const token = input.token ?? randomString(TOKEN_ALPHABET, length);
  if (!TOKEN_GRAMMAR.test(token)) return paramError("token must be 1-64 characters of A-Z a-z 0-9 . _ ~ -");
  const limits = checkLimits(input, input.now);
  if (!limits.ok) return limits;
  const usesAllowed = input.usesAllowed ?? null;
  const expiryTime = input.expiryTime ?? null;
  try {
    await db
      .prepare("INSERT INTO registration_tokens (token, uses_allowed, expiry_time, created_ts) VALUES (?, ?, ?, ?)")
      .bind(token, usesAllowed, expiryTime, input.now)
      .run();
  } catch (cause) {
    if (isUniqueViolation(cause, "registration_tokens")) {
      return err(accountError("RegistrationTokenExists", `token ${token} already exists`));
    }
    throw cause;
  }
  return ok({ token, usesAllowed, pending: 0, completed: 0, expiryTime });
}

export async function getRegistrationToken(db: D1Database, token: string, now: number): Promise<RegistrationToken | null> {
  const row = await db.prepare(`${SELECT} WHERE r.token = ?`).bind(now, token).first<TokenRow>();
  return row ? toToken(row) : null;
}

/** All tokens, or only the valid (`true`) or invalid (`false`) ones. */
export async function listRegistrationTokens(
  db: D1Database,
  now: number,
  valid?: boolean,
): Promise<RegistrationToken[]> {
  const where = valid === undefined ? "" : valid ? `WHERE ${VALID}` : `WHERE NOT (${VALID})`;
  const binds = valid === undefined ? [now] : [now, now, now];
  const { results } = await db.prepare(`${SELECT} ${where} ORDER BY r.created_ts, r.token`).bind(...binds).all<TokenRow>();
  return results.map(toToken);
}

/** Changes the limits; a field that is absent keeps its value, null removes the limit. */
export async function updateRegistrationToken(
  db: D1Database,
  token: string,
  changes: { usesAllowed?: number | null; expiryTime?: number | null },
  now: number,
): Promise<Result<RegistrationToken, RegistrationTokenParamInvalid | RegistrationTokenNotFound>> {
  const limits = checkLimits(changes, now);
  if (!limits.ok) return limits;
  const setUses = changes.usesAllowed !== undefined;
  const setExpiry = changes.expiryTime !== undefined;
  await db
    .prepare(
      `UPDATE registration_tokens
          SET uses_allowed = CASE WHEN ? THEN ? ELSE uses_allowed END,
              expiry_time = CASE WHEN ? THEN ? ELSE expiry_time END
        WHERE token = ?`,
    )
    .bind(setUses ? 1 : 0, changes.usesAllowed ?? null, setExpiry ? 1 : 0, changes.expiryTime ?? null, token)
    .run();
  const updated = await getRegistrationToken(db, token, now);
  return updated ? ok(updated) : err(accountError("RegistrationTokenNotFound", `no token ${token}`));
}

export async function deleteRegistrationToken(
  db: D1Database,
  token: string,
): Promise<Result<void, RegistrationTokenNotFound>> {
  const result = await db.prepare("DELETE FROM registration_tokens WHERE token = ?").bind(token).run();
  return result.meta.changes === 1 ? ok(undefined) : err(accountError("RegistrationTokenNotFound", `no token ${token}`));
}

/** GET /register/m.login.registration_token/validity: usable right now (no promise it still is later). */
export async function isRegistrationTokenValid(db: D1Database, token: string, now: number): Promise<boolean> {
  const row = await db.prepare(`SELECT 1 AS valid FROM registration_tokens r WHERE r.token = ? AND ${VALID}`).bind(token, now, now).first();
  return row !== null;
}

/**
 * Completes the m.login.registration_token stage: the session takes one pending use of the token
 * and records the stage, in one UPDATE whose WHERE re-checks validity, so concurrent sessions can
 * never together take more uses than `uses_allowed`. Repeating it for the same token is a no-op.
 */
export async function reserveRegistrationToken(
  db: D1Database,
  sessionId: string,
  token: string,
  now: number,
): Promise<Result<void, RegistrationTokenInvalid | UiaSessionUnknown>> {
  const stage = "m.login.registration_token";
  const result = await db
    .prepare(
      `UPDATE uia_sessions
          SET registration_token = ?,
              completed = CASE WHEN EXISTS (SELECT 1 FROM json_each(completed) WHERE value = ?)
                               THEN completed ELSE json_insert(completed, '$[#]', ?) END
        WHERE session_id = ? AND expires_ts > ? AND registration_token IS NULL
          AND EXISTS (SELECT 1 FROM registration_tokens r WHERE r.token = ? AND ${VALID})`,
    )
    .bind(token, stage, stage, sessionId, now, token, now, now)
    .run();
  if (result.meta.changes === 1) return ok(undefined);
  const held = await db
    .prepare("SELECT registration_token FROM uia_sessions WHERE session_id = ? AND expires_ts > ?")
    .bind(sessionId, now)
    .first<{ registration_token: string | null }>();
  if (!held) return err(accountError("UiaSessionUnknown", "unknown or expired UIA session"));
  if (held.registration_token === token) return ok(undefined);
  return err(accountError("RegistrationTokenInvalid", "the registration token is unknown, expired or used up"));
}

/** Gives back a use taken by consumeUiaSession when the registration it paid for failed (e.g. UserInUse). */
export async function returnRegistrationTokenUse(db: D1Database, token: string): Promise<void> {
  await db
    .prepare("UPDATE registration_tokens SET completed = completed - 1 WHERE token = ? AND completed > 0")
    .bind(token)
    .run();
}
