// GET /user/{userId}/rooms/{roomId}/tags and PUT/DELETE .../tags/{tag}: room tags kept as the room's m.tag account data.
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { isJsonObject, type JsonObject } from "../../../protocol/json-value";
import { getAccountData, updateAccountData, type AccountDataKey } from "../../../readmodels/account-data";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { roomIdParam } from "../rooms/room-request";
import { announceAccountData, ownUserParam } from "./user-data-request";
import { UserDataError } from "./user-data-error";

/** Spec "Room Tagging": a tag name MUST NOT exceed 255 bytes. */
const MAX_TAG_BYTES = 255;

const badTag = (message: string) => new UserDataError({ reason: "bad_tag", message });

function tagKey(c: Context<AuthedEnv>): Effect.Effect<AccountDataKey, unknown> {
  return Effect.gen(function* () {
    const userId = yield* ownUserParam(c, "the room tags");
    const roomId = yield* roomIdParam(c);
    return { userId, roomId, type: "m.tag" };
  });
}

function tagName(c: Context<AuthedEnv>): Effect.Effect<string, UserDataError> {
  const tag = c.req.param("tag") ?? "";
  if (tag === "") return Effect.fail(badTag("The tag name is empty"));
  if (new TextEncoder().encode(tag).length > MAX_TAG_BYTES) return Effect.fail(badTag(`A tag name must not exceed ${MAX_TAG_BYTES} bytes`));
  return Effect.succeed(tag);
}

/** The `tags` object of stored m.tag content; content set oddly through the account data API counts as no tags. */
const tagsOf = (content: JsonObject | undefined): JsonObject => {
  const tags = content?.["tags"];
  return isJsonObject(tags) ? tags : {};
};

const list = authedRoute((c) =>
  Effect.gen(function* () {
    const key = yield* tagKey(c);
    const content = yield* Effect.promise(() => getAccountData(c.env.DB, key));
    return c.json({ tags: tagsOf(content) });
  }),
);

const add = authedRoute((c) =>
  Effect.gen(function* () {
    const key = yield* tagKey(c);
    const tag = yield* tagName(c);
    // `order` is a fraction by nature, so this body takes floats.
    const body = yield* readJsonObject(c.req.raw, { allowFloats: true });
    const order = body["order"];
    if (order !== undefined && (typeof order !== "number" || !Number.isFinite(order) || order < 0 || order > 1)) {
      return yield* Effect.fail(badTag("order must be a number between 0 and 1"));
    }
    const position = yield* Effect.promise(() =>
      updateAccountData(c.env.DB, key, (content) => ({ ...content, tags: { ...tagsOf(content), [tag]: body } })),
    );
    yield* announceAccountData(c, position);
    return c.json({});
  }),
);

const remove = authedRoute((c) =>
  Effect.gen(function* () {
    const key = yield* tagKey(c);
    const tag = yield* tagName(c);
    const current = yield* Effect.promise(() => getAccountData(c.env.DB, key));
    // Removing a tag the room does not have changes nothing, so it costs no stream position.
    if (!Object.hasOwn(tagsOf(current), tag)) return c.json({});
    const position = yield* Effect.promise(() =>
      updateAccountData(c.env.DB, key, (content) => {
        const { [tag]: _removed, ...rest } = tagsOf(content);
        return { ...content, tags: rest };
      }),
    );
    yield* announceAccountData(c, position);
    return c.json({});
  }),
);

export const tagRoutes = new Hono<AuthedEnv>()
  .get("/user/:userId/rooms/:roomId/tags", requireAuth(), list)
  .put("/user/:userId/rooms/:roomId/tags/:tag", requireAuth(), add)
  .delete("/user/:userId/rooms/:roomId/tags/:tag", requireAuth(), remove);
