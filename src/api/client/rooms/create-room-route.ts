// POST /createRoom: the request body, checked and passed through to the room DO's CreateRoom command.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { createRoom, type CreateRoomRequest, type InitialStateEvent } from "../../../durable/room-client";
import { memberCommandFields, memberProfileContent } from "../../../readmodels/profile-store";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonBody } from "../../json-body";
import { matrixError } from "../../matrix-error";
import { newRoomAlias, publishNewRoom } from "../directory/new-room-directory";
import { awaitProjection } from "./await-projection";
import { userIdValue } from "./room-request";

const JsonObjectSchema = Schema.Record(Schema.String, Schema.Unknown);

const CreateRoomBody = Schema.Struct({
  visibility: Schema.optionalKey(Schema.Literals(["public", "private"])),
  room_alias_name: Schema.optionalKey(Schema.String),
  name: Schema.optionalKey(Schema.String),
  topic: Schema.optionalKey(Schema.String),
  invite: Schema.optionalKey(Schema.Array(Schema.String)),
  invite_3pid: Schema.optionalKey(Schema.Array(Schema.Unknown)),
  room_version: Schema.optionalKey(Schema.String),
  creation_content: Schema.optionalKey(JsonObjectSchema),
  initial_state: Schema.optionalKey(
    Schema.Array(Schema.Struct({ type: Schema.String, state_key: Schema.optionalKey(Schema.String), content: JsonObjectSchema })),
  ),
  preset: Schema.optionalKey(Schema.Literals(["private_chat", "public_chat", "trusted_private_chat"])),
  is_direct: Schema.optionalKey(Schema.Boolean),
  power_level_content_override: Schema.optionalKey(JsonObjectSchema),
});

export const createRoomRoutes = new Hono<AuthedEnv>().post(
  "/createRoom",
  requireAuth(),
  authedRoute((c) =>
    Effect.gen(function* () {
      const me = c.var.requester;
      const body = yield* readJsonBody(c.req.raw, CreateRoomBody, { emptyAsObject: true });
      // Checked before the room exists: a taken alias must not leave a room behind (M_ROOM_IN_USE).
      const alias = body.room_alias_name === undefined ? undefined : yield* newRoomAlias(c, body.room_alias_name);
      // Ignoring this would create a room the client did not ask for; refusing says what is missing.
      if (body.invite_3pid !== undefined && body.invite_3pid.length > 0) {
        return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "invite_3pid is not supported: this server has no identity server support"));
      }
      for (const invitee of body.invite ?? []) yield* userIdValue(invitee, `invite entry ${JSON.stringify(invitee.slice(0, 100))}`);
      const { serverName } = yield* ServerConfig;
      const now = (yield* WallClock).nowMs();
      const initialState: InitialStateEvent[] | undefined = body.initial_state?.map((e) => ({
        type: e.type,
        ...(e.state_key === undefined ? {} : { stateKey: e.state_key }),
        content: e.content,
      }));
      // The creator's join event carries their profile, like any other join.
      const profile = yield* Effect.promise(() => memberProfileContent(c.env.DB, me.userId));
      const request: CreateRoomRequest = {
        sender: me.userId,
        deviceId: me.deviceId,
        ...(body.room_version === undefined ? {} : { roomVersion: body.room_version }),
        ...(body.preset === undefined ? {} : { preset: body.preset }),
        ...(body.visibility === undefined ? {} : { visibility: body.visibility }),
        ...(body.creation_content === undefined ? {} : { creationContent: body.creation_content }),
        ...(body.power_level_content_override === undefined ? {} : { powerLevelContentOverride: body.power_level_content_override }),
        ...(alias === undefined ? {} : { canonicalAlias: alias }),
        ...(initialState === undefined ? {} : { initialState }),
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.topic === undefined ? {} : { topic: body.topic }),
        ...(body.invite === undefined ? {} : { invite: body.invite }),
        ...(body.is_direct === undefined ? {} : { isDirect: body.is_direct }),
        ...memberCommandFields(profile),
      };
      const created = yield* Effect.promise(() => createRoom(c.env.ROOMS, serverName, request, now));
      if (!created.ok) return yield* Effect.fail(created.error);
      yield* publishNewRoom(c, created.value.roomId, { alias, visibility: body.visibility });
      // The creator's next /sync must list the room.
      yield* awaitProjection(c, created.value.roomId, created.value.lastSeq);
      return c.json({ room_id: created.value.roomId });
    }),
  ),
);
