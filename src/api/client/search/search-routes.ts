// POST /search: the room_events category, decoded here and answered from the FTS5 read model.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { parseRoomEventFilter } from "../../../protocol/filters/parse-filter";
import { WallClock } from "../../../platform/wall-clock";
import { SEARCH_KEYS, searchRoomEvents } from "../../../readmodels/search";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { readJsonBody } from "../../json-body";

const Limit = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));

const RoomEvents = Schema.Struct({
  search_term: Schema.String,
  keys: Schema.optionalKey(Schema.Array(Schema.Literals(SEARCH_KEYS))),
  filter: Schema.optionalKey(Schema.Unknown),
  order_by: Schema.optionalKey(Schema.Literals(["rank", "recent"])),
  event_context: Schema.optionalKey(
    Schema.Struct({
      before_limit: Schema.optionalKey(Limit),
      after_limit: Schema.optionalKey(Limit),
      include_profile: Schema.optionalKey(Schema.Boolean),
    }),
  ),
  include_state: Schema.optionalKey(Schema.Boolean),
  groupings: Schema.optionalKey(
    Schema.Struct({
      group_by: Schema.optionalKey(Schema.Array(Schema.Struct({ key: Schema.Literals(["room_id", "sender"]) }))),
    }),
  ),
});

const SearchBody = Schema.Struct({
  search_categories: Schema.Struct({ room_events: Schema.optionalKey(RoomEvents) }),
});

const badJson = (message: string) => new RequestDecodeError({ reason: "bad_json", message });

const search = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const body = yield* readJsonBody(c.req.raw, SearchBody);
    const roomEvents = body.search_categories.room_events;
    // Only room_events is specified; a request without it asks for nothing this server searches.
    if (roomEvents === undefined) return c.json({ search_categories: {} });
    const filter = roomEvents.filter === undefined ? undefined : parseRoomEventFilter(roomEvents.filter, "filter");
    if (filter !== undefined && !filter.ok) return yield* Effect.fail(badJson(filter.error.message));
    const context = roomEvents.event_context;
    const nextBatch = c.req.query("next_batch");
    const now = (yield* WallClock).nowMs();
    const result = yield* Effect.promise(() =>
      searchRoomEvents(c.env.DB, {
        userId: me.userId,
        deviceId: me.deviceId,
        now,
        searchTerm: roomEvents.search_term,
        ...(roomEvents.keys === undefined ? {} : { keys: roomEvents.keys }),
        ...(filter === undefined ? {} : { filter: filter.value }),
        orderBy: roomEvents.order_by ?? "rank",
        ...(context === undefined
          ? {}
          : {
              eventContext: {
                beforeLimit: context.before_limit ?? 5,
                afterLimit: context.after_limit ?? 5,
                includeProfile: context.include_profile ?? false,
              },
            }),
        includeState: roomEvents.include_state ?? false,
        groupBy: (roomEvents.groupings?.group_by ?? []).map((g) => g.key),
        ...(nextBatch === undefined ? {} : { nextBatch }),
      }),
    );
    if (!result.ok) return yield* Effect.fail(result.error);
    return c.json(result.value);
  }),
);

export const searchRoutes = new Hono<AuthedEnv>().post("/search", requireAuth(), search);
