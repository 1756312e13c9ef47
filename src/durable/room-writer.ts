// The synchronous heart of the room DO: transaction-ID check, decide, append. No await, so commands never interleave.
import { decide } from "../commands/decide";
import { duplicateAnnotation } from "../commands/duplicate-annotation";
import type { Rejection } from "../commands/rejection";
import type { RoomCommand } from "../commands/room-command";
import { err, ok, type Result } from "../protocol/result";
import type { SigningKey } from "../protocol/signing";
import type { RoomLogStore } from "./room-log-store";

export interface Submitted {
  readonly roomId: string;
  /** The event the command produced (or, for a repeated transaction or a no-op, the one it already produced). */
  readonly eventId: string;
  /** Every event appended by this call, in log order; empty for a repeat or a no-op. */
  readonly eventIds: readonly string[];
  /** The room's last seq after the call. */
  readonly lastSeq: number;
}

export type SubmitResult = Result<Submitted, Rejection>;

export class RoomWriter {
  constructor(
    private readonly store: RoomLogStore,
    private readonly serverName: string,
    /** Called in the same turn as the commit, so the outbox's safety alarm is set atomically with the append. */
    private readonly appended: (now: number) => void,
  ) {}

  /**
   * Synchronous from the transaction-ID check to the commit: no other request of this DO runs in
   * between, which is what serializes the room's commands and makes a repeated txnId find the first.
   */
  decideAndAppend(command: RoomCommand, signingKey: SigningKey, now: number = Date.now()): SubmitResult {
    const view = this.store.view();
    if (view !== undefined && (command._tag === "SendEvent" || command._tag === "Redact") && command.txnId !== undefined) {
      const existing = this.store.txnEventId(command.sender, command.deviceId ?? "", command.txnId);
      if (existing !== undefined) return ok({ roomId: view.roomId, eventId: existing, eventIds: [], lastSeq: this.store.lastSeq });
    }
    const decision = decide(command, view, { now, serverName: this.serverName, signingKey });
    if (!decision.ok) return decision;
    const { roomId, eventId, events } = decision.value;
    if (events.length === 0) return ok({ roomId, eventId, eventIds: [], lastSeq: this.store.lastSeq });
    // Checked against the index the previous append updated, in this same synchronous turn: two
    // identical annotations sent at once cannot both pass. After the txnId check, so a retry is answered.
    const duplicate = duplicateAnnotation(command, decision.value, (key) => this.store.annotationEventId(key));
    if (duplicate !== undefined) return err(duplicate);
    const entries = this.store.append(decision.value, now);
    this.appended(now);
    return ok({ roomId, eventId, eventIds: entries.map((e) => e.eventId), lastSeq: this.store.lastSeq });
  }
}
