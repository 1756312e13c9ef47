// Shared setup for the room DO tests: local users, room creation through the client, and log reads.
import { env } from "cloudflare:test";
import { createRoom, roomHandle, type CreateRoomRequest, type LogEntry, type RoomEventCommand, submitToRoom } from "../../../src/durable/room-client";
import { stateKeyString } from "../../../src/protocol/pdu";

export const SERVER = env.SERVER_NAME;
export const user = (name: string): string => `@${name}:${SERVER}`;
export const ALICE = user("alice");

export async function newRoom(roomVersion: string, request: Partial<CreateRoomRequest> = {}): Promise<string> {
  const created = await createRoom(env.ROOMS, SERVER, { sender: ALICE, roomVersion, ...request });
  if (!created.ok) throw new Error(`createRoom failed: ${JSON.stringify(created.error)}`);
  return created.value.roomId;
}

export const stub = (roomId: string) => roomHandle(env.ROOMS, roomId);
export const submit = (command: RoomEventCommand) => submitToRoom(env.ROOMS, command);

export async function mustSubmit(command: RoomEventCommand): Promise<string> {
  const r = await submit(command);
  if (!r.ok) throw new Error(`${command._tag} refused: ${JSON.stringify(r.error)}`);
  return r.value.eventId;
}

export async function allEntries(roomId: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (;;) {
    const page = await stub(roomId).getEntries(out.length + 1, Number.MAX_SAFE_INTEGER);
    if (page.length === 0) return out;
    out.push(...page);
  }
}

export async function currentStateMap(roomId: string): Promise<Map<string, string>> {
  const { entries } = await stub(roomId).getCurrentState();
  return new Map(entries.map((e) => [stateKeyString(e.type, e.stateKey), e.eventId]));
}

export const message = (roomId: string, sender: string, body: string, txnId?: string, deviceId = "DEV"): RoomEventCommand => ({
  _tag: "SendEvent",
  v: 1,
  roomId,
  sender,
  deviceId,
  ...(txnId === undefined ? {} : { txnId }),
  type: "m.room.message",
  content: { msgtype: "m.text", body },
});
