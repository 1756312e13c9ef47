// Lazy-loading room members: which senders' membership events a response must carry under a RoomEventFilter.
import type { RoomEventFilter } from "./filter-definition";

/**
 * The user IDs whose m.room.member events to include, or undefined when lazy loading is off (send
 * all state). Without `include_redundant_members` the server may skip members it already sent
 * this client, which the caller tracks in `alreadySent`.
 */
export function lazyLoadedMembers(
  filter: RoomEventFilter | undefined,
  senders: Iterable<string>,
  alreadySent: ReadonlySet<string> = new Set(),
): ReadonlySet<string> | undefined {
  if (filter?.lazy_load_members !== true) return undefined;
  const wanted = new Set<string>();
  for (const sender of senders) {
    if (filter.include_redundant_members === true || !alreadySent.has(sender)) wanted.add(sender);
  }
  return wanted;
}
