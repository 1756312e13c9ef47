// User-interactive auth sessions: create, check they still serve the same request, record stages, consume.
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../protocol/base64";
import { encodeCanonicalJson } from "../protocol/canonical-json";
import type { JsonObject } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { accountError, type UiaSessionMismatch, type UiaSessionUnknown } from "./account-errors";
import { randomOpaqueId } from "./tokens";

export interface UiaSession {
  readonly sessionId: string;
  /** The operation it authenticates, e.g. "POST /register"; a session never carries over to another. */
  readonly route: string;
  readonly requestHash: string;
  readonly userId: string | null;
  /** Completed stage types, in completion order. */
  readonly completed: readonly string[];
  /** The registration token this session holds as pending (see registration-token-store). */
  readonly registrationToken: string | null;
  readonly createdTs: number;
  readonly expiresTs: number;
}

interface UiaRow {
  session_id: string;
  route: string;
  request_hash: string;
  user_id: string | null;
  completed: string;
  registration_token: string | null;
  created_ts: number;
  expires_ts: number;
}

const COLUMNS = "session_id, route, request_hash, user_id, completed, registration_token, created_ts, expires_ts";

function parseCompleted(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === "string") : [];
}

function toSession(row: UiaRow): UiaSession {
  return {
    sessionId: row.session_id,
    route: row.route,
    requestHash: row.request_hash,
    userId: row.user_id,
    completed: parseCompleted(row.completed),
    registrationToken: row.registration_token,
    createdTs: row.created_ts,
    expiresTs: row.expires_ts,
  };
}

/** Secrets are left out so the stored fingerprint cannot be brute-forced back into a password. */
const SECRET_FIELDS = new Set(["auth", "password", "new_password"]);

/**
 * A fingerprint of the request body a session was started for: the spec has the client resubmit
 * "the same request" with `auth` added, and an attacker must not finish someone's authentication
 * and then swap in a different operation (say, other devices to delete).
 */
export function uiaRequestHash(body: JsonObject): string {
  const kept = Object.fromEntries(Object.entries(body).filter(([key]) => !SECRET_FIELDS.has(key)));
  const canonical = encodeCanonicalJson(kept);
  // Bodies with values canonical JSON refuses (floats) still need a stable fingerprint.
  const text = canonical.ok ? canonical.value : JSON.stringify(kept);
  return encodeBase64Url(sha256(new TextEncoder().encode(text)));
}

export interface NewUiaSession {
  readonly route: string;
  readonly requestHash: string;
  readonly userId: string | null;
  readonly now: number;
  readonly lifetimeMs: number;
}

export async function createUiaSession(db: D1Database, input: NewUiaSession): Promise<UiaSession> {
  const session: UiaSession = {
    sessionId: randomOpaqueId(24),
    route: input.route,
    requestHash: input.requestHash,
    userId: input.userId,
    completed: [],
    registrationToken: null,
    createdTs: input.now,
    expiresTs: input.now + input.lifetimeMs,
  };
  await db
    .prepare(
      "INSERT INTO uia_sessions (session_id, route, request_hash, user_id, created_ts, expires_ts) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(session.sessionId, session.route, session.requestHash, session.userId, session.createdTs, session.expiresTs)
    .run();
  return session;
}

const unknownSession = (): Result<never, UiaSessionUnknown> =>
  err(accountError("UiaSessionUnknown", "unknown, expired or already used UIA session"));

export interface UiaExpectation {
  readonly route: string;
  readonly requestHash: string;
  readonly userId: string | null;
}

/** The live session, provided it was started for this very operation, request and user. */
export async function getUiaSession(
  db: D1Database,
  sessionId: string,
  now: number,
  expect: UiaExpectation,
): Promise<Result<UiaSession, UiaSessionUnknown | UiaSessionMismatch>> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM uia_sessions WHERE session_id = ? AND expires_ts > ?`)
    .bind(sessionId, now)
    .first<UiaRow>();
  if (!row) return unknownSession();
  const session = toSession(row);
  if (session.route !== expect.route) {
    return err(accountError("UiaSessionMismatch", "the session was started for another operation"));
  }
  if (session.userId !== expect.userId) {
    return err(accountError("UiaSessionMismatch", "the session belongs to another user"));
  }
  if (session.requestHash !== expect.requestHash) {
    return err(accountError("UiaSessionMismatch", "the request changed during the UIA session"));
  }
  return ok(session);
}

/**
 * Marks `stage` completed, atomically (a JSON append in one UPDATE, so two concurrent stages
 * cannot overwrite each other) and idempotently. Returns the completed list afterwards.
 */
export async function recordUiaStage(
  db: D1Database,
  sessionId: string,
  stage: string,
  now: number,
): Promise<Result<readonly string[], UiaSessionUnknown>> {
  const [, read] = await db.batch<{ completed: string }>([
    db
      .prepare(
        `UPDATE uia_sessions SET completed = json_insert(completed, '$[#]', ?)
          WHERE session_id = ? AND expires_ts > ?
            AND NOT EXISTS (SELECT 1 FROM json_each(uia_sessions.completed) WHERE value = ?)`,
      )
      .bind(stage, sessionId, now, stage),
    db.prepare("SELECT completed FROM uia_sessions WHERE session_id = ? AND expires_ts > ?").bind(sessionId, now),
  ]);
  const row = read?.results[0];
  return row ? ok(parseCompleted(row.completed)) : unknownSession();
}

/**
 * Ends the session as the operation it authenticated runs: exactly one caller gets it, so a
 * double-submitted request cannot run the operation twice on one authentication. A registration
 * token the session held moves from pending to completed in the same transaction, so no other
 * session can take that use in between; if the registration then fails, give it back with
 * returnRegistrationTokenUse.
 */
export async function consumeUiaSession(
  db: D1Database,
  sessionId: string,
  now: number,
): Promise<Result<UiaSession, UiaSessionUnknown>> {
  const [, deleted] = await db.batch<UiaRow>([
    db
      .prepare(
        `UPDATE registration_tokens SET completed = completed + 1
          WHERE token = (SELECT registration_token FROM uia_sessions WHERE session_id = ? AND expires_ts > ?)`,
      )
      .bind(sessionId, now),
    db
      .prepare(`DELETE FROM uia_sessions WHERE session_id = ? AND expires_ts > ? RETURNING ${COLUMNS}`)
      .bind(sessionId, now),
  ]);
  const row = deleted?.results[0];
  return row ? ok(toSession(row)) : unknownSession();
}

/** Housekeeping for a scheduled job; expired rows are already ignored by every read. */
export async function deleteExpiredUiaSessions(db: D1Database, now: number): Promise<number> {
  const result = await db.prepare("DELETE FROM uia_sessions WHERE expires_ts <= ?").bind(now).run();
  return result.meta.changes;
}
