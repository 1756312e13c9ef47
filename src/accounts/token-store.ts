// Login sessions: issue access (+ refresh) tokens for a device, authenticate a request, rotate refresh tokens.
import type { UserId } from "../protocol/identifiers/brand";
import { err, ok, type Result } from "../protocol/result";
import {
  accountError,
  type RefreshConflict,
  type RefreshTokenReused,
  type TokenExpired,
  type UnknownToken,
  type UserLocked,
  type UserNotFound,
} from "./account-errors";
import { deleteDeviceTokensStatements, insertDeviceIfAbsentStatement } from "./device-store";
import { generateAccessToken, generateDeviceId, generateRefreshToken, hashToken, randomOpaqueId } from "./tokens";

/** Lifetimes for clients that support refresh tokens. */
export interface RefreshLifetimes {
  readonly accessTokenMs: number;
  /** NULL: a refresh token lives until it is used (or its session is revoked). */
  readonly refreshTokenMs: number | null;
}

export interface NewSession {
  readonly userId: string;
  /** The client's device ID; absent: a new one is generated. An existing device loses its old tokens. */
  readonly deviceId?: string;
  /** Used only when the device is new. */
  readonly initialDisplayName?: string | null;
  /** NULL: the client did not ask for refresh tokens, so its access token does not expire. */
  readonly refresh: RefreshLifetimes | null;
  readonly now: number;
}

export interface IssuedTokens {
  readonly userId: string;
  readonly deviceId: string;
  readonly accessToken: string;
  readonly refreshToken: string | null;
  /** NULL: the access token does not expire (omit expires_in_ms in the response). */
  readonly expiresInMs: number | null;
}

/** Who a valid access token speaks for. `locked`/`suspended` are for the route to apply (logout stays allowed). */
export interface TokenOwner {
  readonly userId: UserId;
  readonly deviceId: string;
  readonly isAdmin: boolean;
  readonly isGuest: boolean;
  readonly locked: boolean;
  readonly suspended: boolean;
  readonly expiresTs: number | null;
  /** For deciding whether to call touchDevice without another read. */
  readonly deviceLastSeenTs: number | null;
}

function insertAccessToken(
  db: D1Database,
  t: { hash: string; userId: string; deviceId: string; sessionId: string; now: number; expiresTs: number | null },
  links: { refreshHash: string | null; parentRefreshHash: string | null },
  guard?: { sql: string; binds: unknown[] },
): D1PreparedStatement {
  const values = [t.hash, t.userId, t.deviceId, t.sessionId, t.now, t.expiresTs, links.refreshHash, links.parentRefreshHash];
  const columns =
    "token_hash, user_id, device_id, session_id, created_ts, expires_ts, refresh_token_hash, parent_refresh_hash";
  return guard
    ? db
        .prepare(`INSERT INTO access_tokens (${columns}) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ${guard.sql}`)
        .bind(...values, ...guard.binds)
    : db.prepare(`INSERT INTO access_tokens (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).bind(...values);
}

function insertRefreshToken(
  db: D1Database,
  t: { hash: string; userId: string; deviceId: string; sessionId: string; now: number; expiresTs: number | null },
  parentHash: string | null,
  guard?: { sql: string; binds: unknown[] },
): D1PreparedStatement {
  const values = [t.hash, t.userId, t.deviceId, t.sessionId, t.now, t.expiresTs, parentHash];
  const columns = "token_hash, user_id, device_id, session_id, created_ts, expires_ts, parent_hash";
  return guard
    ? db
        .prepare(`INSERT INTO refresh_tokens (${columns}) SELECT ?, ?, ?, ?, ?, ?, ? WHERE ${guard.sql}`)
        .bind(...values, ...guard.binds)
    : db.prepare(`INSERT INTO refresh_tokens (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)`).bind(...values);
}

/**
 * The writes of a new login session, for callers that commit them with other writes (registration).
 * The spec has a client-chosen device ID invalidate that device's previous tokens, so the old
 * ones are deleted in the same batch.
 */
export function createSessionStatements(
  db: D1Database,
  session: NewSession,
): { statements: D1PreparedStatement[]; issued: IssuedTokens } {
  const deviceId = session.deviceId ?? generateDeviceId();
  const accessToken = generateAccessToken();
  const refreshToken = session.refresh ? generateRefreshToken() : null;
  const sessionId = randomOpaqueId(16);
  const base = { userId: session.userId, deviceId, sessionId, now: session.now };
  const accessHash = hashToken(accessToken);
  const refreshHash = refreshToken === null ? null : hashToken(refreshToken);
  const lifetimes = session.refresh;
  const statements = [
    insertDeviceIfAbsentStatement(db, { ...base, displayName: session.initialDisplayName ?? null }),
    ...deleteDeviceTokensStatements(db, session.userId, deviceId),
    insertAccessToken(
      db,
      { ...base, hash: accessHash, expiresTs: lifetimes ? session.now + lifetimes.accessTokenMs : null },
      { refreshHash, parentRefreshHash: null },
    ),
  ];
  if (refreshHash !== null && lifetimes) {
    const expiresTs = lifetimes.refreshTokenMs === null ? null : session.now + lifetimes.refreshTokenMs;
    statements.push(insertRefreshToken(db, { ...base, hash: refreshHash, expiresTs }, null));
  }
  return {
    statements,
    issued: { userId: session.userId, deviceId, accessToken, refreshToken, expiresInMs: lifetimes?.accessTokenMs ?? null },
  };
}

const isForeignKeyViolation = (cause: unknown): boolean =>
  /FOREIGN KEY constraint failed/.test(cause instanceof Error ? cause.message : String(cause));

/** Login: the device (created if new) and its fresh tokens, in one transaction. */
export async function createSession(db: D1Database, session: NewSession): Promise<Result<IssuedTokens, UserNotFound>> {
  const { statements, issued } = createSessionStatements(db, session);
  try {
    await db.batch(statements);
  } catch (cause) {
    if (isForeignKeyViolation(cause)) return err(accountError("UserNotFound", `no user ${session.userId}`));
    throw cause;
  }
  return ok(issued);
}

interface AccessRow {
  user_id: string;
  device_id: string;
  expires_ts: number | null;
  parent_refresh_hash: string | null;
  is_admin: number;
  is_guest: number;
  deactivated: number;
  locked: number;
  suspended: number;
  last_seen_ts: number | null;
}

/**
 * Every authenticated request runs this: one indexed read (token hash primary key, joined to the
 * user and device by primary key). A write follows only on the first use of a token that came
 * from a refresh, because that use ends the grace period of the refresh token exchanged for it.
 */
export async function authenticateAccessToken(
  db: D1Database,
  accessToken: string,
  now: number,
): Promise<Result<TokenOwner, UnknownToken | TokenExpired>> {
  const hash = hashToken(accessToken);
  const row = await db
    .prepare(
      `SELECT a.user_id, a.device_id, a.expires_ts, a.parent_refresh_hash,
              u.is_admin, u.is_guest, u.deactivated, u.locked, u.suspended, d.last_seen_ts
         FROM access_tokens a
         JOIN users u ON u.user_id = a.user_id
         LEFT JOIN devices d ON d.user_id = a.user_id AND d.device_id = a.device_id
        WHERE a.token_hash = ?`,
    )
    .bind(hash)
    .first<AccessRow>();
  if (!row || row.deactivated !== 0) return err(accountError("UnknownToken", "unknown access token"));
  if (row.expires_ts !== null && row.expires_ts <= now) return err(accountError("TokenExpired", "access token expired"));
  if (row.parent_refresh_hash !== null) {
    await db.batch([
      db
        .prepare("UPDATE refresh_tokens SET dead_ts = ? WHERE token_hash = ? AND dead_ts IS NULL")
        .bind(now, row.parent_refresh_hash),
      db.prepare("UPDATE access_tokens SET parent_refresh_hash = NULL WHERE token_hash = ?").bind(hash),
    ]);
  }
  return ok({
    userId: row.user_id as UserId,
    deviceId: row.device_id,
    isAdmin: row.is_admin !== 0,
    isGuest: row.is_guest !== 0,
    locked: row.locked !== 0,
    suspended: row.suspended !== 0,
    expiresTs: row.expires_ts,
    deviceLastSeenTs: row.last_seen_ts,
  });
}

interface RefreshRow {
  user_id: string;
  device_id: string;
  session_id: string;
  expires_ts: number | null;
  parent_hash: string | null;
  next_hash: string | null;
  dead_ts: number | null;
  deactivated: number;
  locked: number;
}

/** Deletes a session's access tokens and marks its refresh tokens dead (kept, so later replays are still recognised). */
async function revokeSession(db: D1Database, sessionId: string, now: number): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM access_tokens WHERE session_id = ?").bind(sessionId),
    db.prepare("UPDATE refresh_tokens SET dead_ts = coalesce(dead_ts, ?) WHERE session_id = ?").bind(now, sessionId),
  ]);
}

const MAX_REFRESH_ATTEMPTS = 8;

export type RefreshError = UnknownToken | TokenExpired | RefreshTokenReused | RefreshConflict | UserLocked;

/**
 * POST /refresh with rotation. The presented token's access token dies at once; the presented
 * token itself stays usable only until its successor (access or refresh token) is first used,
 * as the spec requires so a client that lost the response can repeat the call. Such a repeat
 * supersedes the unused successor. Presenting a token after that point is a reuse: someone else
 * holds a copy, so the whole session is revoked.
 */
export async function refreshSession(
  db: D1Database,
  refreshToken: string,
  now: number,
  lifetimes: RefreshLifetimes,
): Promise<Result<IssuedTokens, RefreshError>> {
  const oldHash = hashToken(refreshToken);
  // A lost compare-and-swap means a concurrent refresh or first use changed the row: re-read it.
  // Each round at least one contender wins, so this bounds what one burst of retries can cost.
  for (let attempt = 0; attempt < MAX_REFRESH_ATTEMPTS; attempt++) {
    const row = await db
      .prepare(
        `SELECT r.user_id, r.device_id, r.session_id, r.expires_ts, r.parent_hash, r.next_hash, r.dead_ts,
                u.deactivated, u.locked
           FROM refresh_tokens r JOIN users u ON u.user_id = r.user_id
          WHERE r.token_hash = ?`,
      )
      .bind(oldHash)
      .first<RefreshRow>();
    if (!row || row.deactivated !== 0) return err(accountError("UnknownToken", "unknown refresh token"));
    if (row.dead_ts !== null) {
      await revokeSession(db, row.session_id, now);
      return err(accountError("RefreshTokenReused", "refresh token was already used; the session is revoked"));
    }
    if (row.expires_ts !== null && row.expires_ts <= now) {
      return err(accountError("TokenExpired", "refresh token expired"));
    }
    if (row.locked !== 0) return err(accountError("UserLocked", "this account is locked"));

    const accessToken = generateAccessToken();
    const nextRefresh = generateRefreshToken();
    const accessHash = hashToken(accessToken);
    const nextHash = hashToken(nextRefresh);
    // Every write after the swap runs only if the swap to *this* successor took effect.
    const guard = {
      sql: "EXISTS (SELECT 1 FROM refresh_tokens WHERE token_hash = ? AND next_hash = ? AND dead_ts IS NULL)",
      binds: [oldHash, nextHash],
    };
    const base = { userId: row.user_id, deviceId: row.device_id, sessionId: row.session_id, now };
    const statements = [
      db
        .prepare("UPDATE refresh_tokens SET next_hash = ? WHERE token_hash = ? AND dead_ts IS NULL AND next_hash IS ?")
        .bind(nextHash, oldHash, row.next_hash),
      db.prepare(`DELETE FROM access_tokens WHERE refresh_token_hash = ? AND ${guard.sql}`).bind(oldHash, ...guard.binds),
    ];
    for (const superseded of [row.next_hash, row.parent_hash]) {
      // A repeated refresh retires the unused successor; using this token retires its parent.
      if (superseded === null) continue;
      statements.push(
        db
          .prepare(`UPDATE refresh_tokens SET dead_ts = ? WHERE token_hash = ? AND dead_ts IS NULL AND ${guard.sql}`)
          .bind(now, superseded, ...guard.binds),
        db
          .prepare(`DELETE FROM access_tokens WHERE refresh_token_hash = ? AND ${guard.sql}`)
          .bind(superseded, ...guard.binds),
      );
    }
    const refreshExpires = lifetimes.refreshTokenMs === null ? null : now + lifetimes.refreshTokenMs;
    statements.push(
      insertRefreshToken(db, { ...base, hash: nextHash, expiresTs: refreshExpires }, oldHash, guard),
      insertAccessToken(
        db,
        { ...base, hash: accessHash, expiresTs: now + lifetimes.accessTokenMs },
        { refreshHash: nextHash, parentRefreshHash: oldHash },
        guard,
      ),
    );
    const results = await db.batch(statements);
    if (results[0]?.meta.changes === 1) {
      return ok({
        userId: row.user_id,
        deviceId: row.device_id,
        accessToken,
        refreshToken: nextRefresh,
        expiresInMs: lifetimes.accessTokenMs,
      });
    }
  }
  return err(accountError("RefreshConflict", "the refresh token was being refreshed concurrently; retry"));
}

/**
 * Drops what can no longer matter: access tokens expired for longer than `retentionMs` (kept
 * that long so their holders still get soft_logout rather than a hard logout), and refresh tokens
 * dead or expired that long (after which a replay is answered as unknown, not as reuse).
 */
export async function purgeExpiredTokens(db: D1Database, now: number, retentionMs: number): Promise<void> {
  const cutoff = now - retentionMs;
  await db.batch([
    db.prepare("DELETE FROM access_tokens WHERE expires_ts IS NOT NULL AND expires_ts < ?").bind(cutoff),
    db.prepare("DELETE FROM refresh_tokens WHERE dead_ts IS NOT NULL AND dead_ts < ?").bind(cutoff),
    db.prepare("DELETE FROM refresh_tokens WHERE expires_ts IS NOT NULL AND expires_ts < ?").bind(cutoff),
  ]);
}
