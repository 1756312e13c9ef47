// Room upgrades, the user's side: joining a replacement room carries the user's tags and room push rules over from its predecessor.
import { Effect } from "effect";
import type { Context } from "hono";
import { isJsonObject } from "../../../protocol/json-value";
import { copyRoomPushRules } from "../../../protocol/push/upgraded-room-push-rules";
import { ok } from "../../../protocol/result";
import { getAccountData, putAccountData } from "../../../readmodels/account-data";
import { parseEventJson } from "../../../readmodels/event-rows";
import { editUserPushRules, loadUserPushRules, publishPushRulesAccountData } from "../../../readmodels/push-rule-store";
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
 * over personal settings: tags (m.tag), unless the user already tagged the new room, and push rules
 * about the old room.
 * Best effort: the join has happened whatever this does.
 */
export function carrySettingsFromPredecessor(c: Context<AuthedEnv>, roomId: string): Effect.Effect<void> {
  const db = c.env.DB;
  const userId = c.var.requester.userId;
  return Effect.gen(function* () {
    const oldRoomId = yield* Effect.promise(() => predecessorOf(db, roomId));
    if (oldRoomId === undefined) return;
    const tagged = yield* Effect.promise(() => carryTags(db, userId, oldRoomId, roomId));
    const pushed = yield* Effect.promise(() => carryPushRules(db, userId, oldRoomId, roomId));
    const position = Math.max(tagged ?? 0, pushed ?? 0);
    if (position > 0) yield* announceAccountData(c, position);
  }).pipe(Effect.catchCause(() => Effect.void));
}

/** Copies m.tag unless the user already tagged the new room; the account-data position written, if any. */
async function carryTags(db: D1Database, userId: string, oldRoomId: string, roomId: string): Promise<number | undefined> {
  const tags = await getAccountData(db, { userId, roomId: oldRoomId, type: "m.tag" });
  if (tags === undefined) return undefined;
  if ((await getAccountData(db, { userId, roomId, type: "m.tag" })) !== undefined) return undefined;
  return await putAccountData(db, { userId, roomId, type: "m.tag" }, tags);
}

/** Copies the user's push rules about the old room (e.g. "mentions only"); the m.push_rules position written, if any. */
async function carryPushRules(db: D1Database, userId: string, oldRoomId: string, roomId: string): Promise<number | undefined> {
  const stored = await loadUserPushRules(db, userId);
  if (copyRoomPushRules(stored.rules, oldRoomId, roomId) === undefined) return undefined;
  const edited = await editUserPushRules(db, userId, (rules) => ok(copyRoomPushRules(rules, oldRoomId, roomId) ?? rules));
  if (!edited.ok) return undefined;
  return await publishPushRulesAccountData(db, userId);
}
