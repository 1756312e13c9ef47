// GET /_matrix/client/v1/rooms/{roomId}/hierarchy (spec "Spaces", "Discovering rooms within spaces"): local rooms only.
import { Effect } from "effect";
import { Hono } from "hono";
import { spaceHierarchy } from "../../../readmodels/space-hierarchy";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { intQuery, roomIdParam } from "../rooms/room-request";

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
/** No max_depth: as deep as the tree goes (the read model bounds the rooms loaded). */
const UNLIMITED_DEPTH = 1000;

const invalidParam = (message: string) => new RequestDecodeError({ reason: "invalid_param", message });

/** The token carries the offset and the settings it was made with: a later page may not change them (spec). */
const formatToken = (offset: number, suggestedOnly: boolean, maxDepth: number): string => `h${offset}_${suggestedOnly ? 1 : 0}_${maxDepth}`;
const TOKEN = /^h([0-9]{1,6})_([01])_([0-9]{1,4})$/;

const getHierarchy = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    const suggested = c.req.query("suggested_only");
    if (suggested !== undefined && suggested !== "true" && suggested !== "false") {
      return yield* Effect.fail(invalidParam("suggested_only must be true or false"));
    }
    const suggestedOnly = suggested === "true";
    const limit = (yield* intQuery(c, "limit", MAX_LIMIT)) ?? DEFAULT_LIMIT;
    if (limit === 0) return yield* Effect.fail(invalidParam("limit must be greater than zero"));
    const maxDepth = (yield* intQuery(c, "max_depth", UNLIMITED_DEPTH)) ?? UNLIMITED_DEPTH;
    const from = c.req.query("from");
    let offset = 0;
    if (from !== undefined && from !== "") {
      const m = TOKEN.exec(from);
      if (m === null) return yield* Effect.fail(invalidParam("from is not a token from this endpoint"));
      if (m[2] !== (suggestedOnly ? "1" : "0") || Number(m[3]) !== maxDepth) {
        return yield* Effect.fail(invalidParam("suggested_only and max_depth cannot change between pages"));
      }
      offset = Number(m[1]);
    }
    const page = yield* Effect.promise(() => spaceHierarchy(c.env.DB, { userId: c.var.requester.userId, roomId, suggestedOnly, maxDepth, limit, offset }));
    if (!page.ok) return yield* Effect.fail(page.error);
    const { rooms, nextOffset } = page.value;
    return c.json({ rooms, ...(nextOffset === undefined ? {} : { next_batch: formatToken(nextOffset, suggestedOnly, maxDepth) }) });
  }),
);

export const hierarchyRoutes = new Hono<AuthedEnv>().get("/rooms/:roomId/hierarchy", requireAuth(), getHierarchy);
