// POST /rooms/{roomId}/upgrade: a replacement room in the new version, the old room tombstoned and closed.
import { creatableRoomVersionRules } from "../../../protocol/creatable-room-versions";
import { Effect, Schema } from "effect";
import { type Context, Hono } from "hono";
import { createRoom, roomHandle, type Rejection, type Submitted } from "../../../durable/room-client";
import { stateKeyString, type RoomEvent } from "../../../protocol/pdu";
import { roomVersionRules } from "../../../protocol/room-versions";
import {
  carriedPowerLevels,
  restrictedOldPowerLevels,
  transferableState,
  upgradeCreationContent,
  upgradeRefusal,
} from "../../../protocol/room-upgrade";
import type { StateLookup } from "../../../protocol/auth/auth-types";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { memberCommandFields, memberProfileContent } from "../../../readmodels/profile-store";
import { moveAliases } from "../../../readmodels/room-alias-store";
import { roomVisibility, setRoomVisibility } from "../../../readmodels/room-directory";
import type { AppEnv } from "../../app-env";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { readJsonBody } from "../../json-body";
import { CLIENT_PREFIXES } from "../accounts-api";
import { awaitProjection } from "./await-projection";
import { roomIdParam, submit, userIdValue } from "./room-request";
import { carrySettingsFromPredecessor } from "./upgraded-room-settings";

const UpgradeBody = Schema.Struct({
  new_version: Schema.String,
  additional_creators: Schema.optionalKey(Schema.Array(Schema.String)),
});

const rejection = (tag: Rejection["_tag"], reason: string) => ({ _tag: tag, reason });

/** Versions this server creates rooms in (as createRoom: 3 and later; 1 and 2 use another event shape). */
function lookupOf(events: readonly RoomEvent[]): StateLookup {
  const byKey = new Map<string, RoomEvent>();
  for (const e of events) if (e.pdu.state_key !== undefined) byKey.set(stateKeyString(e.pdu.type, e.pdu.state_key), e);
  return (type, stateKey) => byKey.get(stateKeyString(type, stateKey));
}

/** The old room's last event, which a pre-v12 predecessor names. */
function lastEventId(c: Context<AuthedEnv>, roomId: string, lastSeq: number): Promise<string | undefined> {
  return roomHandle(c.env.ROOMS, roomId)
    .getEntries(lastSeq, lastSeq)
    .then((entries) => entries[0]?.eventId);
}

/**
 * Steps 4 and 6 of the old room's closing, best effort: the upgrade has happened once the tombstone
 * is in, and a user with the tombstone level may still lack the power to change these.
 */
function bestEffort(effect: Effect.Effect<Submitted, unknown>): Effect.Effect<number | undefined> {
  return effect.pipe(
    Effect.map((s) => s.lastSeq),
    Effect.catch(() => Effect.succeed(undefined)),
  );
}

const upgrade = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const oldRoomId = yield* roomIdParam(c);
    const body = yield* readJsonBody(c.req.raw, UpgradeBody);
    const newRules = creatableRoomVersionRules(body.new_version);
    if (newRules === undefined) {
      return yield* Effect.fail(rejection("UnsupportedRoomVersion", `room version ${JSON.stringify(body.new_version.slice(0, 50))} is not supported`));
    }
    const additionalCreators = body.additional_creators === undefined ? undefined : [...new Set(body.additional_creators)];
    if (additionalCreators !== undefined && additionalCreators.length > 0 && !newRules.privilegedCreators) {
      return yield* Effect.fail(
        new RequestDecodeError({ reason: "invalid_param", message: `room version ${newRules.id} has no additional creators` }),
      );
    }
    for (const id of additionalCreators ?? []) yield* userIdValue(id, "an additional_creators entry");

    const old = roomHandle(c.env.ROOMS, oldRoomId);
    const info = yield* Effect.promise(() => old.getRoomInfo());
    if (info === undefined) return yield* Effect.fail(rejection("NotFound", `room ${oldRoomId} is not known here`));
    const oldRules = roomVersionRules(info.roomVersion);
    if (oldRules === undefined) return yield* Effect.fail(rejection("UnsupportedRoomVersion", `room version ${info.roomVersion} is not supported`));
    const snapshot = yield* Effect.promise(() => old.getCurrentState());
    const state = lookupOf(snapshot.events);
    const refusal = upgradeRefusal(oldRules, state, me.userId);
    if (refusal !== undefined) {
      const reason = refusal === "not_joined" ? "You are not joined to the room" : "You may not send m.room.tombstone in this room";
      return yield* Effect.fail(rejection("Forbidden", reason));
    }

    // Step 2 and 3: the replacement room, with the predecessor and the transferable state.
    const { serverName } = yield* ServerConfig;
    const now = (yield* WallClock).nowMs();
    const lastId = newRules.roomIdFromCreateEvent ? undefined : yield* Effect.promise(() => lastEventId(c, oldRoomId, info.lastSeq));
    const creationContent = upgradeCreationContent(state("m.room.create", ""), newRules, { roomId: oldRoomId, lastEventId: lastId }, additionalCreators);
    const powerLevels = carriedPowerLevels(oldRules, newRules, state);
    const profile = yield* Effect.promise(() => memberProfileContent(c.env.DB, me.userId));
    const created = yield* Effect.promise(() =>
      createRoom(
        c.env.ROOMS,
        serverName,
        {
          sender: me.userId,
          deviceId: me.deviceId,
          roomVersion: newRules.id,
          creationContent,
          upgrade: {
            ...(powerLevels === undefined ? {} : { powerLevels }),
            state: transferableState(snapshot.events).map((e) => ({ type: e.type, stateKey: e.stateKey, content: e.content })),
          },
          ...memberCommandFields(profile),
        },
        now,
      ),
    );
    if (!created.ok) return yield* Effect.fail(created.error);
    const newRoomId = created.value.roomId;

    // Step 5: the tombstone. Its power was checked above; a change since then refuses it here.
    const base = { v: 1, roomId: oldRoomId, sender: me.userId, deviceId: me.deviceId } as const;
    const tombstone = yield* submit(c, {
      ...base,
      _tag: "SetState",
      type: "m.room.tombstone",
      stateKey: "",
      content: { body: "This room has been replaced", replacement_room: newRoomId },
    });
    let oldSeq = tombstone.lastSeq;

    // Step 4, once the tombstone is in (a refused tombstone leaves the old room's aliases where
    // they were): local aliases and the directory listing follow the room.
    const moved = yield* Effect.promise(() => moveAliases(c.env.DB, oldRoomId, newRoomId));
    if ((yield* Effect.promise(() => roomVisibility(c.env.DB, oldRoomId))) === "public") {
      yield* Effect.promise(() => setRoomVisibility(c.env.DB, newRoomId, "public", now));
      yield* Effect.promise(() => setRoomVisibility(c.env.DB, oldRoomId, "private", now));
    }
    // The old room's canonical alias named aliases that now lead to the new room.
    const oldCanonical = state("m.room.canonical_alias", "");
    if (moved.length > 0 && oldCanonical !== undefined && Object.keys(oldCanonical.pdu.content).length > 0) {
      const seq = yield* bestEffort(submit(c, { ...base, _tag: "SetState", type: "m.room.canonical_alias", stateKey: "", content: {} }));
      oldSeq = seq ?? oldSeq;
    }
    // Step 6: ordinary members can no longer talk or invite in the old room.
    const restricted = restrictedOldPowerLevels(oldRules, state);
    if (restricted !== undefined) {
      const seq = yield* bestEffort(submit(c, { ...base, _tag: "SetState", type: "m.room.power_levels", stateKey: "", content: restricted }));
      oldSeq = seq ?? oldSeq;
    }

    // The upgrader's next /sync shows both rooms as they now are.
    yield* awaitProjection(c, newRoomId, created.value.lastSeq);
    yield* awaitProjection(c, oldRoomId, oldSeq);
    yield* carrySettingsFromPredecessor(c, newRoomId);
    return c.json({ replacement_room: newRoomId });
  }),
);

const upgradeRoutes = new Hono<AuthedEnv>().post("/rooms/:roomId/upgrade", requireAuth(), upgrade);

export function mountRoomUpgradeRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) app.route(prefix, upgradeRoutes);
}
