// The typed client the api uses to reach room DOs: create rooms, submit commands, read the log.
import { roomIdForCreateRoom } from "../commands/create-room-plan";
import type { Rejection } from "../commands/rejection";
import type { CreateRoom, RoomCommand, RoomEventCommand } from "../commands/room-command";
import type { Env } from "../platform/env";
import { err, type Result } from "../protocol/result";
import { DEFAULT_ROOM_VERSION } from "../protocol/room-versions";
import type { LogEntry, StateEntry } from "../commands/log-entry";
import type { RoomEvent } from "../protocol/pdu";
import type { RoomDurableObject, RoomInfo, Submitted, SubmitResult } from "./room-durable-object";
import type { LoggedEvent } from "./room-log-store";

export type { LogEntry, RoomLogMessage, StateDelta, StateEntry } from "../commands/log-entry";
export type { Rejection } from "../commands/rejection";
export type {
  CreateRoom,
  IngestPdu,
  InitialStateEvent,
  Membership,
  MembershipAction,
  Redact,
  RoomCommand,
  RoomEventCommand,
  RoomPreset,
  SendEvent,
  SetState,
} from "../commands/room-command";
export type { RoomInfo, Submitted, SubmitResult } from "./room-durable-object";
export type { LoggedEvent } from "./room-log-store";

/** createRoom's request minus what the client fills in (tag, version, room ID, create timestamp). */
export type CreateRoomRequest = Omit<CreateRoom, "_tag" | "v" | "roomId" | "createTs" | "roomVersion"> & {
  readonly roomVersion?: string;
};

type Rooms = Env["ROOMS"];

/** The stub of the DO that holds (or will hold) `roomId`: one DO per room, addressed by the room ID. */
export const roomStub = (rooms: Rooms, roomId: string) => rooms.get(rooms.idFromName(roomId));

/** A room's state as entries and the events behind them. */
export interface RoomStateSnapshot {
  readonly entries: StateEntry[];
  readonly events: RoomEvent[];
}

/**
 * The room DO's RPC surface with its real types. The stub's own types turn results holding
 * `unknown` JSON (event content) into `never`, so the client states them once here.
 */
export interface RoomHandle {
  submit(command: RoomCommand): Promise<SubmitResult>;
  getRoomInfo(): Promise<RoomInfo | undefined>;
  /** Entries with fromSeq <= seq <= toSeq, at most 500 per call: page on from the last seq returned. */
  getEntries(fromSeq: number, toSeq: number): Promise<LogEntry[]>;
  getEvent(eventId: string): Promise<LoggedEvent | undefined>;
  getCurrentState(): Promise<RoomStateSnapshot>;
  /** "before" is federation's state at an event; undefined for an unknown event. */
  getStateAt(eventId: string, at?: "before" | "after"): Promise<RoomStateSnapshot | undefined>;
  getAuthChain(eventIds: readonly string[]): Promise<LoggedEvent[]>;
}

/** Does not compile if the DO's methods drift from RoomHandle. */
type AssertHandle<T extends RoomHandle> = T;
export type RoomHandleOfDurableObject = AssertHandle<Pick<RoomDurableObject, keyof RoomHandle>>;

export function roomHandle(rooms: Rooms, roomId: string): RoomHandle {
  // The DO class implements exactly these methods; only the stub's computed types are set aside.
  return roomStub(rooms, roomId) as unknown as RoomHandle;
}

/** Attempts at a fresh v12 room ID when a create event collides with an existing room (same sender, content and millisecond). */
const CREATE_ATTEMPTS = 5;

/**
 * Creates a room. The room ID must be known before the DO is addressed: before v12 it is random,
 * from v12 it is the create event's hash, which depends on the create timestamp fixed here.
 */
export async function createRoom(
  rooms: Rooms,
  serverName: string,
  request: CreateRoomRequest,
  nowMs: number = Date.now(),
): Promise<Result<Submitted, Rejection>> {
  let last: Result<Submitted, Rejection> = err({ _tag: "Unavailable", reason: "room creation was not attempted" });
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    const base = { ...request, _tag: "CreateRoom", v: 1, roomVersion: request.roomVersion ?? DEFAULT_ROOM_VERSION, createTs: nowMs + attempt } as const;
    const roomId = roomIdForCreateRoom({ ...base, roomId: `!${randomLocalpart()}:${serverName}` });
    if (!roomId.ok) return roomId;
    const command: CreateRoom = { ...base, roomId: roomId.value };
    last = await roomHandle(rooms, roomId.value).submit(command);
    if (last.ok || last.error._tag !== "RoomExists") return last;
  }
  return last;
}

/** Sends a command to the room it names; a room this server does not hold answers NotFound. */
export const submitToRoom = (rooms: Rooms, command: RoomEventCommand): Promise<Result<Submitted, Rejection>> =>
  roomHandle(rooms, command.roomId).submit(command);

/**
 * Read access to room logs for the projections (gap fill, replay), in the shape their RoomLogSource
 * expects: every entry in the range the log holds, paging past the DO's per-call limit.
 */
export const roomLogSource = (rooms: Rooms) => ({
  getEntries: async (roomId: string, fromSeq: number, toSeq: number): Promise<readonly unknown[]> => {
    const room = roomHandle(rooms, roomId);
    const out: LogEntry[] = [];
    let next = fromSeq;
    while (next <= toSeq) {
      const page = await room.getEntries(next, toSeq);
      const last = page.at(-1);
      if (last === undefined) break;
      out.push(...page);
      next = last.seq + 1;
    }
    return out;
  },
});

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** 18 letters (about 102 bits); bytes of 208 and above are skipped so every letter is equally likely. */
function randomLocalpart(): string {
  let out = "";
  while (out.length < 18) {
    for (const b of crypto.getRandomValues(new Uint8Array(32))) if (b < 208 && out.length < 18) out += ALPHABET[b % 52];
  }
  return out;
}
