// The D1 statements that apply one log entry to every read model, as one guarded transaction.
import type { LogEntry, StateEntry } from "../commands/log-entry";
import { roomVersionRules } from "../protocol/room-versions";

/** Facts the consumer reads from D1 before building the statements. */
export interface EntryFacts {
  /** For an accepted redaction: whether its sender held the room's `redact` level. */
  readonly redactorHasPower: boolean;
}

// Every write below carries this guard, so an entry whose predecessor is not the checkpoint (a
// duplicate, or one that raced another consumer) changes nothing at all.
const GUARD = "(SELECT seq FROM room_checkpoints WHERE room_id = ?) = ?";
// The position D1 assigned to the entry's event row (inserted by the same transaction).
const POS = "(SELECT stream_pos FROM events WHERE event_id = ?)";
/** The entry's own event row was written unredacted (checked with its event ID bound). */
const NOT_REDACTED = "(SELECT redacted_because FROM events WHERE event_id = ?) IS NULL";
const DOMAIN = (column: string): string => `substr(${column}, instr(${column}, ':') + 1)`;

/** The event a redaction targets: `content.redacts` from v11, the top-level key before. */
export function redactionTarget(entry: LogEntry): string | undefined {
  const event = entry.event;
  const rawContent = event["content"];
  const content = typeof rawContent === "object" && rawContent !== null ? (rawContent as Record<string, unknown>) : {};
  const rules = roomVersionRules(entry.roomVersion);
  const inContent = content["redacts"];
  const topLevel = event["redacts"];
  const pick = rules === undefined ? (inContent ?? topLevel) : rules.redactsInContent ? inContent : topLevel;
  return typeof pick === "string" ? pick : undefined;
}

/** `m.relates_to` with a `rel_type` and a target event (replies without rel_type are not relations). */
export function relationOf(event: Readonly<Record<string, unknown>>): { relatesTo: string; relType: string } | undefined {
  const content = event["content"];
  if (typeof content !== "object" || content === null) return undefined;
  const rel = (content as Record<string, unknown>)["m.relates_to"];
  if (typeof rel !== "object" || rel === null) return undefined;
  const relType = (rel as Record<string, unknown>)["rel_type"];
  const target = (rel as Record<string, unknown>)["event_id"];
  return typeof relType === "string" && typeof target === "string" ? { relatesTo: target, relType } : undefined;
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * What POST /search finds an event by: the spec's searchable keys (content.body of m.room.message,
 * content.name of m.room.name, content.topic of m.room.topic with the text/plain m.topic body).
 */
export function searchTextOf(event: Readonly<Record<string, unknown>>): { key: string; body: string } | undefined {
  const content = event["content"];
  if (typeof content !== "object" || content === null) return undefined;
  const c = content as Record<string, unknown>;
  switch (event["type"]) {
    case "m.room.message":
      return typeof c["body"] === "string" && c["body"] !== "" ? { key: "content.body", body: c["body"] } : undefined;
    case "m.room.name":
      return typeof c["name"] === "string" && c["name"] !== "" ? { key: "content.name", body: c["name"] } : undefined;
    case "m.room.topic": {
      const parts = typeof c["topic"] === "string" ? [c["topic"]] : [];
      const rich = c["m.topic"];
      const texts = typeof rich === "object" && rich !== null ? (rich as Record<string, unknown>)["m.text"] : undefined;
      for (const t of Array.isArray(texts) ? texts : []) {
        const r = typeof t === "object" && t !== null ? (t as Record<string, unknown>) : {};
        if ((r["mimetype"] === undefined || r["mimetype"] === "text/plain") && typeof r["body"] === "string" && !parts.includes(r["body"])) {
          parts.push(r["body"]);
        }
      }
      return parts.length > 0 ? { key: "content.topic", body: parts.join("\n") } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Statements for `entry`, in order. The last moves the checkpoint and returns the entry's stream
 * position: it returns a row exactly when the entry applied.
 */
export function entryStatements(db: D1Database, entry: LogEntry, facts: EntryFacts): D1PreparedStatement[] {
  const { roomId, seq, eventId, event } = entry;
  const guard = [roomId, seq - 1];
  const type = text(event["type"]) ?? "";
  const stateKey = text(event["state_key"]);
  const sender = text(event["sender"]) ?? "";
  const ts = typeof event["origin_server_ts"] === "number" ? event["origin_server_ts"] : 0;
  const accepted = entry.status === "accepted";
  const out: D1PreparedStatement[] = [];
  // A room's entries apply in seq order from 1 (live and in replay), so its rows exist from then on.
  if (seq === 1) {
    out.push(
      db.prepare("INSERT OR IGNORE INTO rooms (room_id, room_version) VALUES (?, ?)").bind(roomId, entry.roomVersion),
      db.prepare("INSERT OR IGNORE INTO room_checkpoints (room_id, seq) VALUES (?, 0)").bind(roomId),
    );
  }
  // A redaction that arrived before this event (federation) applies as the row is written.
  out.push(
    db
      .prepare(
        `INSERT OR IGNORE INTO events (event_id, room_id, seq, type, state_key, sender, origin_server_ts, status,
           event_json, replaces_event_id, txn_user_id, txn_device_id, txn_id, redacted_because)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?,
           (SELECT event_id FROM current_state WHERE room_id = ? AND type = ? AND state_key = ? AND ?),
           ?, ?, ?,
           (SELECT r.redaction_id FROM redactions r
            WHERE r.redacts = ? AND r.room_id = ? AND (r.has_power = 1 OR ${DOMAIN("r.sender")} = substr(?, instr(?, ':') + 1))
            ORDER BY r.redaction_id LIMIT 1)
         WHERE ${GUARD}`,
      )
      .bind(
        eventId, roomId, seq, type, stateKey, sender, ts, entry.status, JSON.stringify(event),
        roomId, type, stateKey ?? "", accepted && stateKey !== null ? 1 : 0,
        entry.txn?.userId ?? null, entry.txn?.deviceId ?? null, entry.txn?.txnId ?? null,
        eventId, roomId, sender, sender,
        ...guard,
      ),
  );
  for (const removed of entry.stateDelta.removed) out.push(...removeState(db, entry, removed));
  for (const added of entry.stateDelta.added) out.push(...addState(db, entry, added));
  const relation = accepted ? relationOf(event) : undefined;
  if (relation) {
    out.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO relations (event_id, room_id, relates_to, rel_type, type, sender, stream_pos)
           SELECT ?, ?, ?, ?, ?, ?, ${POS} WHERE ${NOT_REDACTED} AND ${GUARD}`,
        )
        .bind(eventId, roomId, relation.relatesTo, relation.relType, type, sender, eventId, eventId, ...guard),
    );
  }
  // Messages are searchable as timeline events, names and topics as the room's state.
  const searchable = accepted && (type === "m.room.message" ? stateKey === null : stateKey === "") ? searchTextOf(event) : undefined;
  if (searchable !== undefined) {
    // Row `rowid` may be left over from before a replay (positions restart there): replaced, not kept.
    out.push(
      db.prepare(`DELETE FROM event_search WHERE rowid = ${POS} AND ${GUARD}`).bind(eventId, ...guard),
      db
        .prepare(`INSERT INTO event_search (rowid, body, key, event_id, room_id) SELECT ${POS}, ?, ?, ?, ? WHERE ${NOT_REDACTED} AND ${GUARD}`)
        .bind(eventId, searchable.body, searchable.key, eventId, roomId, eventId, ...guard),
    );
  }
  const target = accepted && type === "m.room.redaction" ? redactionTarget(entry) : undefined;
  if (target !== undefined) {
    out.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO redactions (redaction_id, room_id, redacts, sender, has_power)
           SELECT ?, ?, ?, ?, ? WHERE ${GUARD}`,
        )
        .bind(eventId, roomId, target, sender, facts.redactorHasPower ? 1 : 0, ...guard),
    );
  }
  // A redaction applies to a target already projected here (the redaction arriving first is
  // handled as the target's row is written, above).
  for (const redacted of target === undefined ? [] : [target]) {
    out.push(
      db
        .prepare(
          `UPDATE events SET redacted_because = (
             SELECT r.redaction_id FROM redactions r
             WHERE r.redacts = events.event_id AND r.room_id = events.room_id
               AND (r.has_power = 1 OR ${DOMAIN("r.sender")} = ${DOMAIN("events.sender")})
             ORDER BY r.redaction_id LIMIT 1)
           WHERE event_id = ? AND room_id = ? AND redacted_because IS NULL AND ${GUARD}`,
        )
        .bind(redacted, roomId, ...guard),
      db
        .prepare(
          `DELETE FROM relations WHERE event_id = ?
             AND EXISTS (SELECT 1 FROM events WHERE event_id = ? AND redacted_because IS NOT NULL) AND ${GUARD}`,
        )
        .bind(redacted, redacted, ...guard),
      // A redacted event leaves the search index (by rowid: the index is not scanned).
      db
        .prepare(
          `DELETE FROM event_search WHERE rowid = (SELECT stream_pos FROM events WHERE event_id = ? AND redacted_because IS NOT NULL)
             AND ${GUARD}`,
        )
        .bind(redacted, ...guard),
    );
  }
  out.push(
    db
      .prepare("UPDATE room_checkpoints SET seq = ? WHERE room_id = ? AND seq = ? RETURNING (SELECT stream_pos FROM events WHERE event_id = ?) AS stream_pos")
      .bind(seq, roomId, seq - 1, eventId),
  );
  return out;
}

function removeState(db: D1Database, entry: LogEntry, removed: StateEntry): D1PreparedStatement[] {
  const { roomId, seq, eventId } = entry;
  const guard = [roomId, seq - 1];
  const statements = [
    db
      .prepare(
        `INSERT INTO state_changes (room_id, type, state_key, stream_pos, event_id)
         SELECT ?, ?, ?, ${POS}, NULL WHERE ${GUARD}
         ON CONFLICT (room_id, type, state_key, stream_pos) DO NOTHING`,
      )
      .bind(roomId, removed.type, removed.stateKey, eventId, ...guard),
    db
      .prepare(`DELETE FROM current_state WHERE room_id = ? AND type = ? AND state_key = ? AND event_id = ? AND ${GUARD}`)
      .bind(roomId, removed.type, removed.stateKey, removed.eventId, ...guard),
  ];
  if (removed.type === "m.room.member") {
    statements.push(
      db
        .prepare(`DELETE FROM memberships WHERE user_id = ? AND room_id = ? AND event_id = ? AND ${GUARD}`)
        .bind(removed.stateKey, roomId, removed.eventId, ...guard),
    );
  }
  return statements;
}

function addState(db: D1Database, entry: LogEntry, added: StateEntry): D1PreparedStatement[] {
  const { roomId, seq, eventId } = entry;
  const guard = [roomId, seq - 1];
  const membership = "(SELECT json_extract(event_json, '$.content.membership') FROM events WHERE event_id = ?)";
  const statements = [
    db
      .prepare(
        `INSERT INTO state_changes (room_id, type, state_key, stream_pos, event_id)
         SELECT ?, ?, ?, ${POS}, ? WHERE ${GUARD}
         ON CONFLICT (room_id, type, state_key, stream_pos) DO UPDATE SET event_id = excluded.event_id`,
      )
      .bind(roomId, added.type, added.stateKey, eventId, added.eventId, ...guard),
    db
      .prepare(
        `INSERT INTO current_state (room_id, type, state_key, event_id, membership, stream_pos)
         SELECT ?, ?, ?, ?, ${added.type === "m.room.member" ? membership : "NULL"}, ${POS} WHERE ${GUARD}
         ON CONFLICT (room_id, type, state_key) DO UPDATE
           SET event_id = excluded.event_id, membership = excluded.membership, stream_pos = excluded.stream_pos`,
      )
      .bind(
        roomId, added.type, added.stateKey, added.eventId,
        ...(added.type === "m.room.member" ? [added.eventId] : []),
        eventId, ...guard,
      ),
  ];
  if (added.type === "m.room.member") {
    statements.push(
      db
        .prepare(
          `INSERT INTO memberships (user_id, room_id, membership, event_id, stream_pos)
           SELECT ?, ?, m.membership, ?, ${POS}
           FROM (SELECT ${membership} AS membership) m
           WHERE m.membership IS NOT NULL AND ${GUARD}
           ON CONFLICT (user_id, room_id) DO UPDATE
             SET membership = excluded.membership, event_id = excluded.event_id, stream_pos = excluded.stream_pos`,
        )
        .bind(added.stateKey, roomId, added.eventId, eventId, added.eventId, ...guard),
    );
  }
  return statements;
}
