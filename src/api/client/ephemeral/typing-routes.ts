// PUT /rooms/{roomId}/typing/{userId}: the caller starts or stops typing in a room they are joined to.
import { Effect } from "effect";
import { Hono } from "hono";
import { typingClient } from "../../../durable/typing-client";
import { parseTypingBody } from "../../../protocol/ephemeral/ephemeral-requests";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { rateLimit } from "../../rate-limit";
import { roomIdParam } from "../rooms/room-request";
import { fromRequest, ownUserParam, requireJoined } from "./ephemeral-request";

const putTyping = authedRoute((c) =>
  Effect.gen(function* () {
    const userId = yield* ownUserParam(c, "the typing state");
    yield* rateLimit(c, "typing", { userId });
    const roomId = yield* roomIdParam(c);
    const request = yield* fromRequest(parseTypingBody(yield* readJsonObject(c.req.raw)));
    yield* requireJoined(c, roomId);
    // The typing object announces the change to the sync notifier itself (as it does for expiry).
    yield* Effect.promise(() => typingClient(c.env.TYPING).setTyping(roomId, userId, request.typing, request.timeoutMs));
    return c.json({});
  }),
);

export const typingRoutes = new Hono<AuthedEnv>().put("/rooms/:roomId/typing/:userId", requireAuth(), putTyping);
