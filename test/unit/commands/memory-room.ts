// An in-memory room that applies decisions the way the room DO does, so decide can be tested in Node.
import { decide } from "../../../src/commands/decide";
import type { Rejection } from "../../../src/commands/rejection";
import type { RoomCommand } from "../../../src/commands/room-command";
import type { DecideContext, Decision, RoomStateView, StateMap, StoredEvent } from "../../../src/commands/room-decision";
import { stateKeyString } from "../../../src/protocol/pdu";
import type { Result } from "../../../src/protocol/result";
import { roomVersionRules } from "../../../src/protocol/room-versions";
import { testSigningKey } from "../../support/room-builder";

export const SERVER = "hs.test";
export const ctxAt = (now: number): DecideContext => ({ now, serverName: SERVER, signingKey: testSigningKey(SERVER) });

export class MemoryRoom {
  view: RoomStateView | undefined;
  readonly log: { eventId: string; status: string; decision: Decision }[] = [];
  private readonly events = new Map<string, StoredEvent>();
  private readonly after = new Map<string, StateMap>();
  now = 1_700_000_000_000;

  run(command: RoomCommand): Result<Decision, Rejection> {
    const result = decide(command, this.view, ctxAt(this.now++));
    if (result.ok) this.apply(result.value);
    return result;
  }

  /** Runs a command that must succeed. */
  must(command: RoomCommand): Decision {
    const result = this.run(command);
    if (!result.ok) throw new Error(`${command._tag} refused: ${JSON.stringify(result.error)}`);
    return result.value;
  }

  apply(decision: Decision): void {
    let current = new Map(this.view?.currentState ?? []);
    for (const d of decision.events) {
      this.events.set(d.event.eventId, { event: d.event, status: d.status });
      this.after.set(d.event.eventId, d.stateAfter);
      for (const r of d.stateDelta.removed) current.delete(stateKeyString(r.type, r.stateKey));
      for (const a of d.stateDelta.added) current.set(stateKeyString(a.type, a.stateKey), a.eventId);
      this.log.push({ eventId: d.event.eventId, status: d.status, decision });
    }
    const rules = roomVersionRules(decision.roomVersion);
    if (!rules) throw new Error("bad version");
    current = new Map(current);
    this.view = {
      roomId: decision.roomId,
      rules,
      currentState: current,
      forwardExtremities: decision.forwardExtremities,
      getEvent: (id) => this.events.get(id),
      stateAfter: (id) => this.after.get(id),
    };
  }

  stateEvent(type: string, stateKey = ""): StoredEvent | undefined {
    const id = this.view?.currentState.get(stateKeyString(type, stateKey));
    return id === undefined ? undefined : this.events.get(id);
  }

  event(id: string): StoredEvent | undefined {
    return this.events.get(id);
  }
}
