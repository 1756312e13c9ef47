// The room DO's index of unredacted annotations, kept in the same SQLite transaction as the log, so the duplicate-annotation rule sees every earlier send.
import type { EntryStatus } from "../commands/log-entry";
import { annotationKeyOf, type AnnotationKey } from "../commands/duplicate-annotation";
import { serverOf } from "../protocol/event-signing";
import type { Pdu } from "../protocol/pdu";
import type { RoomVersionRules } from "../protocol/room-versions";

/** The event a redaction targets: `content.redacts` from v11, the top-level key before. */
function redactionTarget(rules: RoomVersionRules, pdu: Pdu): string | undefined {
  const target = rules.redactsInContent ? pdu.content["redacts"] : pdu.redacts;
  return typeof target === "string" ? target : undefined;
}

export class RoomAnnotationIndex {
  constructor(private readonly sql: SqlStorage) {}

  /** The accepted, unredacted annotation with this key, if the room holds one. */
  find(key: AnnotationKey): string | undefined {
    return this.sql
      .exec<{ event_id: string }>(
        `SELECT event_id FROM annotations WHERE relates_to = ? AND sender = ? AND type = ? AND key = ? LIMIT 1`,
        key.relatesTo,
        key.sender,
        key.type,
        key.key,
      )
      .toArray()[0]?.event_id;
  }

  /**
   * Applies one appended event; call inside the append's transaction. An accepted annotation enters
   * the index; an accepted redaction takes its target out when it applies to it (spec: the redactor
   * holds the redact level, or is on the target sender's server). Only events already here are
   * taken out: a redaction that comes before its target can only come over federation, and only
   * local senders' annotations are ever checked, which this room DO always appended first.
   */
  record(rules: RoomVersionRules, eventId: string, pdu: Pdu, status: EntryStatus, redactorHasPower: boolean): void {
    if (status !== "accepted") return;
    if (pdu.type === "m.room.redaction") {
      const target = redactionTarget(rules, pdu);
      if (target === undefined) return;
      this.sql.exec(
        `DELETE FROM annotations WHERE event_id = ? AND (? = 1 OR substr(sender, instr(sender, ':') + 1) = ?)`,
        target,
        redactorHasPower ? 1 : 0,
        serverOf(pdu.sender) ?? "",
      );
      return;
    }
    const key = annotationKeyOf(pdu);
    if (key === undefined) return;
    this.sql.exec(
      `INSERT OR IGNORE INTO annotations (event_id, relates_to, sender, type, key) VALUES (?, ?, ?, ?, ?)`,
      eventId,
      key.relatesTo,
      key.sender,
      key.type,
      key.key,
    );
  }
}

/** The log rows the index is filled from when a room DO written before it was added upgrades: accepted annotations and redactions, in log order. */
export const INDEXED_LOG_ROWS = `SELECT event_id, event_json, state_before_group FROM events
  WHERE status = 'accepted'
    AND (json_extract(event_json, '$.type') = 'm.room.redaction'
      OR json_extract(event_json, '$.content."m.relates_to".rel_type') = 'm.annotation')
  ORDER BY seq`;
