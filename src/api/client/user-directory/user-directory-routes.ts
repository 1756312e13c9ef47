// POST /user_directory/search: users the caller shares a room with or who sit in public rooms.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { searchUserDirectory } from "../../../readmodels/user-directory";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { readJsonBody } from "../../json-body";

const SearchBody = Schema.Struct({
  search_term: Schema.String,
  limit: Schema.optionalKey(Schema.Int),
});

/** The spec's default. */
const DEFAULT_LIMIT = 10;
/** Larger asks are served this many, with `limited` telling the client there is more. */
const MAX_LIMIT = 100;

export const userDirectoryRoutes = new Hono<AuthedEnv>().post(
  "/user_directory/search",
  requireAuth(),
  authedRoute((c) =>
    Effect.gen(function* () {
      const body = yield* readJsonBody(c.req.raw, SearchBody);
      const limit = body.limit ?? DEFAULT_LIMIT;
      if (limit < 0) return yield* Effect.fail(new RequestDecodeError({ reason: "bad_json", message: "limit must not be negative" }));
      const found = yield* Effect.promise(() =>
        searchUserDirectory(c.env.DB, c.var.requester.userId, body.search_term, Math.min(limit, MAX_LIMIT)),
      );
      return c.json(found);
    }),
  ),
);
