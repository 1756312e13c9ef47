// POST /user/{userId}/filter and GET /user/{userId}/filter/{filterId}: sync filters stored per user.
import { Effect } from "effect";
import { Hono } from "hono";
import { parseFilter } from "../../../protocol/filters/parse-filter";
import { loadFilter, storeFilter } from "../../../readmodels/filter-store";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { ownUserParam } from "./user-data-request";
import { UserDataError } from "./user-data-error";

/** Filters are small; this bounds what one user can make the server store per upload. */
const MAX_FILTER_BYTES = 64 * 1024;

const upload = authedRoute((c) =>
  Effect.gen(function* () {
    const userId = yield* ownUserParam(c, "the filters");
    const body = yield* readJsonObject(c.req.raw, { maxBytes: MAX_FILTER_BYTES });
    // Validated but stored as uploaded: GET answers with the definition the client sent.
    const parsed = parseFilter(body);
    if (!parsed.ok) {
      const where = parsed.error.path === "" ? "" : `${parsed.error.path}: `;
      return yield* Effect.fail({ ...parsed.error, message: `Invalid filter: ${where}${parsed.error.message}` });
    }
    const filterId = yield* Effect.promise(() => storeFilter(c.env.DB, userId, body));
    return c.json({ filter_id: filterId });
  }),
);

const download = authedRoute((c) =>
  Effect.gen(function* () {
    const userId = yield* ownUserParam(c, "the filters");
    const definition = yield* Effect.promise(() => loadFilter(c.env.DB, userId, c.req.param("filterId") ?? ""));
    if (definition === undefined) return yield* Effect.fail(new UserDataError({ reason: "not_found", message: "No such filter" }));
    return c.json(definition);
  }),
);

export const filterRoutes = new Hono<AuthedEnv>()
  .post("/user/:userId/filter", requireAuth(), upload)
  .get("/user/:userId/filter/:filterId", requireAuth(), download);
