// Room upgrades, the user's side: joining a replacement room carries the user's tags over from its predecessor.
import { Effect } from "effect";
import type { Context } from "hono";
import { isJsonObject } from "../../../protocol/json-value";
import { getAccountData, putAccountData } from "../../../readmodels/account-data";
import { parseEventJson } from "../../../readmodels/event-rows";
import { currentStateOfTypes } from "../../../readmodels/room-queries";
import type { AuthedEnv } from "../../auth-middleware";
import { announceAccountData } from "../user-data/user-data-request";

/** The room a replacement room's m.room.create names as its predecessor, from the read model. */
async function predecessorOf(db: D1Database, roomId: string): Promise<string | undefined> {
  const [create] = await currentStateOfTypes(db, roomId, ["m.room.create"]);
  if (create === undefined) return undefined;
  const content = parseEventJson(create)["content"];
  const predecessor = isJsonObject(content) ? content["predecessor"] : undefined;
  const oldRoomId = isJsonObject(predecessor) ? predecessor["room_id"] : undefined;
  return typeof oldRoomId === "string" && oldRoomId !== roomId ? oldRoomId : undefined;
}

/**
 * Spec "Room Upgrades", server behaviour: when a user joins the new room, the server should carry
 * over personal settings. Tags (m.tag) are copied unless the user already tagged the new room.
 * Best effort: the join has happened whatever this does.
 */
export function carrySettingsFromPredecessor(c: Context<AuthedEnv>, roomId: string): Effect.Effect<void> {
  const db = c.env.DB;
  const userId = c.var.requester.userId;
  return Effect.gen(function* () {
    const oldRoomId = yield* Effect.promise(() => predecessorOf(db, roomId));
    if (oldRoomId === undefined) return;
    const tags = yield* Effect.promise(() => getAccountData(db, { userId, roomId: oldRoomId, type: "m.tag" }));
    if (tags === undefined) return;
    const existing = yield* Effect.promise(() => getAccountData(db, { userId, roomId, type: "m.tag" }));
    if (existing !== undefined) return;
    const position = yield* Effect.promise(() => putAccountData(db, { userId, roomId, type: "m.tag" }, tags));
    yield* announceAccountData(c, position);
  }).pipe(Effect.catchCause(() => Effect.void));
}
