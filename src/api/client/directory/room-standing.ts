// What a user may do with a room's directory entries, read from the room DO so a fresh join or promotion counts at once.
import { Effect } from "effect";
import type { Context } from "hono";
import { roomHandle } from "../../../durable/room-client";
import { hasAtLeast, requiredPowerLevel, roomPowerFromState, userPowerLevel } from "../../../protocol/auth/power-levels";
import type { RoomEvent } from "../../../protocol/pdu";
import { stateKeyString } from "../../../protocol/pdu";
import { roomVersionRules } from "../../../protocol/room-versions";
import type { AuthedEnv } from "../../auth-middleware";

export interface RoomStanding {
  /** This server holds the room. */
  readonly known: boolean;
  readonly joined: boolean;
  /**
   * Joined with the power to send m.room.canonical_alias: Synapse's rule for publishing a room and
   * for deleting someone else's alias, since both change how the room is advertised.
   */
  readonly mayEditDirectory: boolean;
  /** history_visibility is world_readable: anyone may list the room's aliases. */
  readonly worldReadable: boolean;
}

const UNKNOWN: RoomStanding = { known: false, joined: false, mayEditDirectory: false, worldReadable: false };

export function roomStanding(c: Context<AuthedEnv>, roomId: string, userId: string): Effect.Effect<RoomStanding> {
  return Effect.promise(() => roomHandle(c.env.ROOMS, roomId).getCurrentState()).pipe(
    Effect.map((state) => {
      if (state.entries.length === 0) return UNKNOWN;
      const byId = new Map(state.events.map((e) => [e.eventId, e]));
      const byKey = new Map<string, RoomEvent>();
      for (const entry of state.entries) {
        const event = byId.get(entry.eventId);
        if (event !== undefined) byKey.set(stateKeyString(entry.type, entry.stateKey), event);
      }
      const lookup = (type: string, stateKey: string) => byKey.get(stateKeyString(type, stateKey));
      const version = lookup("m.room.create", "")?.pdu.content["room_version"];
      const rules = roomVersionRules(typeof version === "string" ? version : "1");
      const joined = lookup("m.room.member", userId)?.pdu.content["membership"] === "join";
      const worldReadable = lookup("m.room.history_visibility", "")?.pdu.content["history_visibility"] === "world_readable";
      if (rules === undefined) return { known: true, joined, mayEditDirectory: false, worldReadable };
      const power = roomPowerFromState(rules, lookup);
      const needed = requiredPowerLevel(power.levels, "m.room.canonical_alias", true);
      return { known: true, joined, mayEditDirectory: joined && hasAtLeast(userPowerLevel(power, userId), needed), worldReadable };
    }),
  );
}
