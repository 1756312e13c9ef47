// Uploaded sync filters as D1 records: store (deduplicated per user) and look up by ID.
import { canonicalJson } from "../protocol/canonical-json";
import type { JsonObject } from "../protocol/json-value";

/** Stores the definition and returns its ID; the same definition from the same user keeps its ID. */
export async function storeFilter(db: D1Database, userId: string, definition: JsonObject): Promise<string> {
  const row = await db
    .prepare(
      `INSERT INTO user_filters (user_id, filter_json) VALUES (?, ?)
       ON CONFLICT (user_id, filter_json) DO UPDATE SET filter_json = excluded.filter_json
       RETURNING filter_id`,
    )
    .bind(userId, canonicalJson(definition))
    .first<{ filter_id: number }>();
  if (row === null) throw new Error("filter write returned no ID");
  return String(row.filter_id);
}

/** The definition as uploaded, or undefined when this user has no filter with this ID. */
export async function loadFilter(db: D1Database, userId: string, filterId: string): Promise<JsonObject | undefined> {
  // IDs are decimal integers; anything else cannot name a filter (and must not reach SQLite's type affinity).
  if (!/^[1-9][0-9]{0,15}$/.test(filterId)) return undefined;
  const row = await db
    .prepare("SELECT filter_json FROM user_filters WHERE user_id = ? AND filter_id = ?")
    .bind(userId, Number(filterId))
    .first<{ filter_json: string }>();
  return row === null ? undefined : (JSON.parse(row.filter_json) as JsonObject);
}
