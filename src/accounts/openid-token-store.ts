// OpenID tokens (migrations/0021): issued to a user for a third party, exchanged for the user's ID.
import { hashToken, randomOpaqueId } from "./tokens";

/** The prefix shows a leaked token's kind; 32 random bytes, like access tokens. */
const generateOpenIdToken = (): string => "moi_" + randomOpaqueId(32);

/** How long an OpenID token is good for: one hour (the spec leaves the lifetime to the server). */
export const OPENID_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export interface IssuedOpenIdToken {
  readonly token: string;
  readonly expiresInMs: number;
}

/** A new token for `userId`, stored as its hash; the user's expired tokens are pruned in the same batch. */
export async function issueOpenIdToken(db: D1Database, userId: string, now: number): Promise<IssuedOpenIdToken> {
  const token = generateOpenIdToken();
  await db.batch([
    db.prepare("DELETE FROM openid_tokens WHERE user_id = ? AND expires_ts <= ?").bind(userId, now),
    db
      .prepare("INSERT INTO openid_tokens (token_hash, user_id, created_ts, expires_ts) VALUES (?, ?, ?, ?)")
      .bind(hashToken(token), userId, now, now + OPENID_TOKEN_LIFETIME_MS),
  ]);
  return { token, expiresInMs: OPENID_TOKEN_LIFETIME_MS };
}

/** The user a live token was issued to; undefined for an unknown or expired token, or a deactivated account. */
export async function openIdTokenOwner(db: D1Database, token: string, now: number): Promise<string | undefined> {
  const row = await db
    .prepare(
      `SELECT o.user_id FROM openid_tokens o JOIN users u ON u.user_id = o.user_id
       WHERE o.token_hash = ? AND o.expires_ts > ? AND u.deactivated = 0`,
    )
    .bind(hashToken(token), now)
    .first<{ user_id: string }>();
  return row?.user_id;
}

/** The user's OpenID tokens, for a batch that ends the account (deactivation). */
export const deleteOpenIdTokensStatement = (db: D1Database, userId: string): D1PreparedStatement =>
  db.prepare("DELETE FROM openid_tokens WHERE user_id = ?").bind(userId);
