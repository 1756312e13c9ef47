// Cross-signing keys (e2e_cross_signing_keys) and signatures uploaded for keys (e2e_key_signatures).
import type { CrossSigningKey, CrossSigningUsage } from "../protocol/e2ee/cross-signing-key";
import type { KeySignature } from "../protocol/e2ee/signatures";
import { canonicalJson } from "../protocol/canonical-json";
import type { JsonObject } from "../protocol/json-value";
import { storedObject } from "./device-keys-store";

export interface StoredCrossSigningKey {
  readonly userId: string;
  readonly usage: CrossSigningUsage;
  readonly publicKey: string;
  readonly json: JsonObject;
}

const USAGES: readonly string[] = ["master", "self_signing", "user_signing"];

/** The cross-signing keys of `userIds`, optionally only of some usages. */
export async function crossSigningKeysOf(db: D1Database, userIds: readonly string[]): Promise<StoredCrossSigningKey[]> {
  if (userIds.length === 0) return [];
  const { results } = await db
    .prepare(
      "SELECT user_id, key_type, public_key, key_json FROM e2e_cross_signing_keys WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id, key_type",
    )
    .bind(JSON.stringify(userIds))
    .all<{ user_id: string; key_type: string; public_key: string; key_json: string }>();
  return results
    .filter((r) => USAGES.includes(r.key_type))
    .map((r) => ({ userId: r.user_id, usage: r.key_type as CrossSigningUsage, publicKey: r.public_key, json: storedObject(r.key_json) }));
}

/** One user's cross-signing keys by usage. */
export async function crossSigningKeysByUsage(db: D1Database, userId: string): Promise<Map<CrossSigningUsage, StoredCrossSigningKey>> {
  return new Map((await crossSigningKeysOf(db, [userId])).map((k) => [k.usage, k]));
}

export const putCrossSigningKeyStatement = (db: D1Database, userId: string, key: CrossSigningKey): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO e2e_cross_signing_keys (user_id, key_type, public_key, key_json) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, key_type) DO UPDATE SET public_key = excluded.public_key, key_json = excluded.key_json`,
    )
    .bind(userId, key.usage, key.publicKey, canonicalJson(key.json));

export interface StoredSignature extends KeySignature {
  readonly targetUserId: string;
  readonly targetKeyId: string;
}

/** Stores signatures of one key (a device ID or a cross-signing public key of `targetUserId`). */
export const putSignaturesStatement = (
  db: D1Database,
  targetUserId: string,
  targetKeyId: string,
  signatures: readonly KeySignature[],
): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO e2e_key_signatures (target_user_id, target_key_id, signer_user_id, signer_key_id, signature)
       SELECT ?1, ?2, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?3) WHERE true
       ON CONFLICT (target_user_id, target_key_id, signer_user_id, signer_key_id) DO UPDATE SET signature = excluded.signature`,
    )
    .bind(targetUserId, targetKeyId, JSON.stringify(signatures.map((s) => [s.signerUserId, s.signerKeyId, s.signature])));

/**
 * Uploaded signatures of the keys of `targetUserIds` that `viewer` may see: those by the key's
 * owner and by the viewer (spec: signatures "that the requesting user is allowed to see"; a
 * user-signing key's signatures are the signer's own business). `viewer` null (another server)
 * sees the owners' signatures only.
 */
export async function signaturesVisibleTo(db: D1Database, viewer: string | null, targetUserIds: readonly string[]): Promise<StoredSignature[]> {
  if (targetUserIds.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT target_user_id, target_key_id, signer_user_id, signer_key_id, signature FROM e2e_key_signatures
       WHERE target_user_id IN (SELECT value FROM json_each(?1)) AND (signer_user_id = target_user_id OR signer_user_id = ?2)`,
    )
    .bind(JSON.stringify(targetUserIds), viewer)
    .all<{ target_user_id: string; target_key_id: string; signer_user_id: string; signer_key_id: string; signature: string }>();
  return results.map((r) => ({
    targetUserId: r.target_user_id,
    targetKeyId: r.target_key_id,
    signerUserId: r.signer_user_id,
    signerKeyId: r.signer_key_id,
    signature: r.signature,
  }));
}
