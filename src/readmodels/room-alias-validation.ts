// Checks an m.room.canonical_alias a client sends: every alias it adds must exist and name that room.
import { parseRoomAlias } from "../protocol/identifiers/room-alias";
import { isJsonObject, type JsonObject, type JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { roomAliasRecord } from "./room-alias-store";
import { roomDirectoryError, type RoomDirectoryError } from "./room-directory-error";

/**
 * The spec's M_BAD_ALIAS rule for `alias` and `alt_aliases`. Aliases already in the room's current
 * canonical alias event are not checked again (Synapse does the same): an alias deleted after it
 * was published must not block an unrelated edit of the event, since deleting it was allowed.
 * The current event is read from the read model; if it lags, the check is only stricter.
 * Aliases of other servers cannot be resolved here (no federation query), so they count as bad.
 */
export async function validateCanonicalAlias(
  db: D1Database,
  roomId: string,
  content: JsonObject,
): Promise<Result<void, RoomDirectoryError>> {
  const proposed = aliasesIn(content);
  if (!proposed.ok) return proposed;
  if (proposed.value.length === 0) return ok(undefined);
  const current = await currentCanonicalAliases(db, roomId);
  for (const alias of proposed.value) {
    if (current.has(alias)) continue;
    const record = await roomAliasRecord(db, alias);
    if (record === undefined || record.roomId !== roomId) {
      return err(roomDirectoryError("bad_alias", `Room alias ${alias} does not point to the room`));
    }
  }
  return ok(undefined);
}

/** `alias` and the `alt_aliases` entries, each in the alias grammar; M_INVALID_PARAM for the wrong shapes. */
function aliasesIn(content: JsonObject): Result<string[], RoomDirectoryError> {
  const out: string[] = [];
  const alias = content["alias"];
  if (alias !== undefined) {
    if (typeof alias !== "string") return err(roomDirectoryError("invalid_alias", "alias must be a string"));
    out.push(alias);
  }
  const alt = content["alt_aliases"];
  if (alt !== undefined) {
    if (!Array.isArray(alt)) return err(roomDirectoryError("invalid_alias", "alt_aliases must be a list of room aliases"));
    for (const entry of alt as readonly JsonValue[]) {
      if (typeof entry !== "string") return err(roomDirectoryError("invalid_alias", "alt_aliases must be a list of room aliases"));
      out.push(entry);
    }
  }
  for (const text of out) {
    if (!parseRoomAlias(text).ok) return err(roomDirectoryError("invalid_alias", `${JSON.stringify(text.slice(0, 100))} is not a valid room alias`));
  }
  return ok([...new Set(out)]);
}

async function currentCanonicalAliases(db: D1Database, roomId: string): Promise<Set<string>> {
  const row = await db
    .prepare(
      `SELECT e.event_json, e.redacted_because FROM current_state cs JOIN events e ON e.event_id = cs.event_id
       WHERE cs.room_id = ? AND cs.type = 'm.room.canonical_alias' AND cs.state_key = ''`,
    )
    .bind(roomId)
    .first<{ event_json: string; redacted_because: string | null }>();
  const known = new Set<string>();
  // Redaction strips all of this event's content.
  if (row === null || row.redacted_because !== null) return known;
  const content = (JSON.parse(row.event_json) as JsonObject)["content"];
  if (!isJsonObject(content)) return known;
  if (typeof content["alias"] === "string") known.add(content["alias"]);
  const alt = content["alt_aliases"];
  if (Array.isArray(alt)) for (const a of alt as readonly JsonValue[]) if (typeof a === "string") known.add(a);
  return known;
}
