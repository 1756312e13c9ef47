// GET/PUT /directory/list/room/{roomId} (a room's directory visibility) and GET/POST /publicRooms (the listing).
import { Effect, Schema } from "effect";
import { type Context, Hono } from "hono";
import { roomHandle } from "../../../durable/room-client";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { isRoomProjected, roomVisibility, setRoomVisibility } from "../../../readmodels/room-directory";
import { MAX_ROOM_TYPES, parseDirectoryToken, publicRooms, type PublicRoomsQuery } from "../../../readmodels/room-directory-listing";
import type { AppEnv } from "../../app-env";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { effectRoute } from "../../effect-route";
import { readJsonBody } from "../../json-body";
import { fail, roomIdValue } from "./directory-request";
import { roomStanding } from "./room-standing";

/** Pages are capped so one request cannot ask D1 for the whole directory. */
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;

const VisibilityBody = Schema.Struct({ visibility: Schema.optionalKey(Schema.Literals(["public", "private"])) });

const PublicRoomsBody = Schema.Struct({
  limit: Schema.optionalKey(Schema.Int),
  since: Schema.optionalKey(Schema.String),
  filter: Schema.optionalKey(
    Schema.Struct({
      generic_search_term: Schema.optionalKey(Schema.String),
      room_types: Schema.optionalKey(Schema.Array(Schema.NullOr(Schema.String))),
    }),
  ),
  include_all_networks: Schema.optionalKey(Schema.Boolean),
  third_party_instance_id: Schema.optionalKey(Schema.String),
});

// No access token: the spec lets anyone read a room's visibility.
const getVisibility = effectRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* roomIdValue(c.req.param("roomId") ?? "", "roomId");
    const set = yield* Effect.promise(() => roomVisibility(c.env.DB, roomId));
    if (set !== undefined) return c.json({ visibility: set });
    // The read model may not have seen a room created a moment ago; its DO has.
    const known =
      (yield* Effect.promise(() => isRoomProjected(c.env.DB, roomId))) ||
      (yield* Effect.promise(() => roomHandle(c.env.ROOMS, roomId).getRoomInfo())) !== undefined;
    if (!known) return yield* fail("room_not_found", "Room not found");
    return c.json({ visibility: "private" });
  }),
);

const putVisibility = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdValue(c.req.param("roomId") ?? "", "roomId");
    const body = yield* readJsonBody(c.req.raw, VisibilityBody, { emptyAsObject: true });
    const standing = yield* roomStanding(c, roomId, me.userId);
    if (!standing.known) return yield* fail("room_not_found", "Room not found");
    if (!standing.mayEditDirectory && !me.isAdmin) {
      return yield* fail("forbidden", "You need the power to change the room's canonical alias to publish it");
    }
    const now = (yield* WallClock).nowMs();
    // The spec's default for a missing visibility is public.
    yield* Effect.promise(() => setRoomVisibility(c.env.DB, roomId, body.visibility ?? "public", now));
    return c.json({});
  }),
);

interface ListingRequest {
  readonly limit: number | undefined;
  readonly since: string | undefined;
  readonly server: string | undefined;
  readonly searchTerm?: string;
  readonly roomTypes?: readonly (string | null)[];
  /** Only rooms of this third-party network: this server bridges none, so there are none. */
  readonly thirdPartyOnly?: boolean;
}

function listing<E extends AppEnv>(c: Context<E>, request: ListingRequest) {
  return Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    if (request.server !== undefined && request.server !== "" && request.server !== serverName) {
      return yield* fail("room_not_found", `This server cannot fetch the room directory of ${request.server.slice(0, 100)}`);
    }
    if (request.limit !== undefined && request.limit < 0) return yield* fail("invalid_param", "limit must not be negative");
    if ((request.roomTypes?.length ?? 0) > MAX_ROOM_TYPES) return yield* fail("invalid_param", `At most ${MAX_ROOM_TYPES} room_types`);
    let since: PublicRoomsQuery["since"];
    if (request.since !== undefined && request.since !== "") {
      since = parseDirectoryToken(request.since);
      if (since === undefined) return yield* fail("invalid_param", "since is not a pagination token from this server");
    }
    if (request.thirdPartyOnly === true) return c.json({ chunk: [], total_room_count_estimate: 0 });
    const query: PublicRoomsQuery = {
      limit: Math.min(request.limit ?? DEFAULT_LIMIT, MAX_LIMIT),
      ...(since === undefined ? {} : { since }),
      ...(request.searchTerm === undefined ? {} : { searchTerm: request.searchTerm }),
      ...(request.roomTypes === undefined ? {} : { roomTypes: request.roomTypes }),
    };
    return c.json(yield* Effect.promise(() => publicRooms(c.env.DB, query)));
  });
}

// No access token on GET: the spec's listing is public (POST, with filters, needs one).
const getPublicRooms = effectRoute((c) =>
  Effect.gen(function* () {
    const limitText = c.req.query("limit");
    let limit: number | undefined;
    if (limitText !== undefined && limitText !== "") {
      if (!/^[0-9]{1,9}$/.test(limitText)) return yield* fail("invalid_param", "limit must be a non-negative integer");
      limit = Number(limitText);
    }
    return yield* listing(c, { limit, since: c.req.query("since"), server: c.req.query("server") });
  }),
);

const postPublicRooms = authedRoute((c) =>
  Effect.gen(function* () {
    const body = yield* readJsonBody(c.req.raw, PublicRoomsBody, { emptyAsObject: true });
    if (body.include_all_networks === true && body.third_party_instance_id !== undefined) {
      return yield* fail("invalid_param", "third_party_instance_id can only be used when include_all_networks is false");
    }
    return yield* listing(c, {
      limit: body.limit,
      since: body.since,
      server: c.req.query("server"),
      ...(body.filter?.generic_search_term === undefined ? {} : { searchTerm: body.filter.generic_search_term }),
      ...(body.filter?.room_types === undefined ? {} : { roomTypes: body.filter.room_types }),
      ...(body.third_party_instance_id === undefined ? {} : { thirdPartyOnly: true }),
    });
  }),
);

export const publicRoomsRoutes = new Hono<AuthedEnv>()
  .put("/directory/list/room/:roomId", requireAuth(), putVisibility)
  .post("/publicRooms", requireAuth(), postPublicRooms);

export const publicRoomsOpenRoutes = new Hono<AppEnv>()
  .get("/directory/list/room/:roomId", getVisibility)
  .get("/publicRooms", getPublicRooms);
