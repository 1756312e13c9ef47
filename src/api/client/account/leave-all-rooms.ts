// Deactivation's room side: the user leaves every joined room and declines every invite and knock.
import { submitToRoom } from "../../../durable/room-client";
import type { Env } from "../../../platform/env";
import { roomsToLeave } from "../../../readmodels/joined-rooms";

/**
 * Sends a leave for each room the memberships read model lists. Rooms are left one after another
 * (each is its own DO); a room that refuses (already left, unknown) is skipped, since the account
 * is already deactivated and cannot act again. Returns the rooms left.
 */
export async function leaveAllRooms(env: Pick<Env, "DB" | "ROOMS">, userId: string): Promise<string[]> {
  const left: string[] = [];
  for (const roomId of await roomsToLeave(env.DB, userId)) {
    const result = await submitToRoom(env.ROOMS, { _tag: "Membership", v: 1, roomId, sender: userId, action: "leave" });
    if (result.ok) left.push(roomId);
    else console.warn(`deactivation of ${userId}: could not leave ${roomId}: ${result.error._tag}`);
  }
  return left;
}
