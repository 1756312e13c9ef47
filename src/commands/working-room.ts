// A room being decided on: the view plus the events decided so far, so one command can append several events.
import type { StateLookup } from "../protocol/auth/auth-types";
import type { RoomEvent } from "../protocol/pdu";
import type { RoomVersionRules } from "../protocol/room-versions";
import type { DecidedEvent, Decision, RoomStateView, StateMap, StoredEvent } from "./room-decision";
import { lookupIn } from "./state-map";

export class WorkingRoom {
  private readonly decided: DecidedEvent[] = [];
  private readonly added = new Map<string, StoredEvent>();
  private state: StateMap;
  private extremities: string[];

  constructor(
    readonly roomId: string,
    readonly rules: RoomVersionRules,
    private readonly base: Pick<RoomStateView, "getEvent" | "stateAfter"> | undefined,
    currentState: StateMap = new Map(),
    forwardExtremities: readonly string[] = [],
  ) {
    this.state = currentState;
    this.extremities = [...forwardExtremities];
  }

  static fromView(view: RoomStateView): WorkingRoom {
    return new WorkingRoom(view.roomId, view.rules, view, view.currentState, view.forwardExtremities);
  }

  get currentState(): StateMap {
    return this.state;
  }

  get forwardExtremities(): readonly string[] {
    return this.extremities;
  }

  get events(): readonly DecidedEvent[] {
    return this.decided;
  }

  getEvent(eventId: string): StoredEvent | undefined {
    return this.added.get(eventId) ?? this.base?.getEvent(eventId);
  }

  readonly fetchEvent = (eventId: string): RoomEvent | undefined => this.getEvent(eventId)?.event;

  stateAfter(eventId: string): StateMap | undefined {
    const mine = this.decided.find((d) => d.event.eventId === eventId);
    return mine ? mine.stateAfter : this.base?.stateAfter(eventId);
  }

  /** The auth rules' view of the current state. */
  currentLookup(): StateLookup {
    return lookupIn(this.state, this.fetchEvent);
  }

  /** Records a decided event: current state moves by its delta, extremities as the decision says. */
  append(event: DecidedEvent, currentAfter: StateMap, extremitiesAfter: readonly string[]): void {
    this.decided.push(event);
    this.added.set(event.event.eventId, { event: event.event, status: event.status });
    this.state = currentAfter;
    this.extremities = [...extremitiesAfter];
  }

  decision(eventId: string): Decision {
    return {
      roomId: this.roomId,
      roomVersion: this.rules.id,
      events: this.decided,
      eventId,
      forwardExtremities: this.extremities,
      currentState: this.state,
    };
  }
}
