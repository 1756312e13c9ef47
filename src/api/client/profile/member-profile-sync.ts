// After a profile change: a fresh join m.room.member event with the new displayname/avatar_url in each joined room.
import { roomHandle, submitToRoom } from "../../../durable/room-client";
import { isJsonObject } from "../../../protocol/json-value";
import type { Env } from "../../../platform/env";
import { joinedRoomIds } from "../../../readmodels/joined-rooms";
import { memberCommandFields, type MemberProfileContent } from "../../../readmodels/profile-store";

/** Rooms updated at once: enough to be quick for a user in many rooms without flooding the DOs. */
const PARALLEL_ROOMS = 8;

export interface MemberSyncOutcome {
  readonly updated: number;
  readonly unchanged: number;
  readonly failed: number;
}

/**
 * Spec "Events on Change of Profile Information": every room the user is joined to gets a join
 * event carrying the new values. The candidate rooms come from the memberships read model (so a
 * room joined a moment ago may not be listed yet); each is then checked against the room DO's
 * current state, since the read model may lag: a join sent after an unprojected leave would
 * rejoin the user to a public room. Rooms whose join event already says the same are skipped, so
 * repeating a PUT adds no events. A room that refuses (the user was kicked meanwhile, the room
 * is unavailable) is logged and skipped: the profile itself has already changed, and the other
 * rooms should still hear about it.
 */
export async function syncMemberEvents(
  env: Pick<Env, "DB" | "ROOMS">,
  user: { readonly userId: string; readonly deviceId: string },
  content: MemberProfileContent,
): Promise<MemberSyncOutcome> {
  const joined = await joinedRoomIds(env.DB, user.userId);
  let updated = 0;
  let failed = 0;
  for (let i = 0; i < joined.length; i += PARALLEL_ROOMS) {
    const batch = joined.slice(i, i + PARALLEL_ROOMS);
    const results = await Promise.all(
      batch.map(async (roomId) => {
        if (!(await stillJoinedAndStale(env, roomId, user.userId, content))) return undefined;
        return submitToRoom(env.ROOMS, {
          _tag: "Membership",
          v: 1,
          roomId,
          sender: user.userId,
          deviceId: user.deviceId,
          action: "join",
          ...memberCommandFields(content),
        });
      }).map((p) => p.catch((e: unknown) => ({ ok: false as const, error: { _tag: "Unavailable", reason: String(e) } }))),
    );
    results.forEach((result, j) => {
      if (result === undefined) return;
      if (result.ok) {
        updated++;
      } else {
        failed++;
        console.warn(`profile: member event for ${user.userId} in ${batch[j]!} refused: ${result.error._tag} ${result.error.reason}`);
      }
    });
  }
  return { updated, unchanged: joined.length - updated - failed, failed };
}

const differs = (displayname: unknown, avatarUrl: unknown, content: MemberProfileContent): boolean =>
  displayname !== (content.displayname ?? null) || avatarUrl !== (content.avatar_url ?? null);

/** The room's own word: the user's current member event is a join whose profile differs from `content`. */
async function stillJoinedAndStale(env: Pick<Env, "ROOMS">, roomId: string, userId: string, content: MemberProfileContent): Promise<boolean> {
  const state = await roomHandle(env.ROOMS, roomId).getCurrentState();
  const entry = state.entries.find((e) => e.type === "m.room.member" && e.stateKey === userId);
  const event = entry === undefined ? undefined : state.events.find((e) => e.eventId === entry.eventId);
  const current = event?.pdu.content;
  if (!isJsonObject(current) || current["membership"] !== "join") return false;
  return differs(current["displayname"] ?? null, current["avatar_url"] ?? null, content);
}
