// After a profile change: a fresh join m.room.member event with the new displayname/avatar_url in each joined room.
import { submitToRoom } from "../../../durable/room-client";
import type { Env } from "../../../platform/env";
import { joinedMemberEvents, memberCommandFields, type MemberProfileContent } from "../../../readmodels/profile-store";

/** Rooms updated at once: enough to be quick for a user in many rooms without flooding the DOs. */
const PARALLEL_ROOMS = 8;

export interface MemberSyncOutcome {
  readonly updated: number;
  readonly unchanged: number;
  readonly failed: number;
}

/**
 * Spec "Events on Change of Profile Information": every room the user is joined to gets a join
 * event carrying the new values. The rooms come from the memberships read model, so a room
 * joined a moment ago may not be listed yet. Rooms whose current join event already says the
 * same are skipped, so repeating a PUT adds no events. A room that refuses (the user was
 * kicked meanwhile, the room is unavailable) is logged and skipped: the profile itself has
 * already changed, and the other rooms should still hear about it.
 */
export async function syncMemberEvents(
  env: Pick<Env, "DB" | "ROOMS">,
  user: { readonly userId: string; readonly deviceId: string },
  content: MemberProfileContent,
): Promise<MemberSyncOutcome> {
  const joined = await joinedMemberEvents(env.DB, user.userId);
  const stale = joined.filter((room) => room.displayname !== (content.displayname ?? null) || room.avatarUrl !== (content.avatar_url ?? null));
  let updated = 0;
  let failed = 0;
  for (let i = 0; i < stale.length; i += PARALLEL_ROOMS) {
    const batch = stale.slice(i, i + PARALLEL_ROOMS);
    const results = await Promise.all(
      batch.map((room) =>
        submitToRoom(env.ROOMS, {
          _tag: "Membership",
          v: 1,
          roomId: room.roomId,
          sender: user.userId,
          deviceId: user.deviceId,
          action: "join",
          ...memberCommandFields(content),
        }).catch((e: unknown) => ({ ok: false as const, error: { _tag: "Unavailable", reason: String(e) } })),
      ),
    );
    results.forEach((result, j) => {
      if (result.ok) {
        updated++;
      } else {
        failed++;
        console.warn(`profile: member event for ${user.userId} in ${batch[j]!.roomId} refused: ${result.error._tag} ${result.error.reason}`);
      }
    });
  }
  return { updated, unchanged: joined.length - stale.length, failed };
}
