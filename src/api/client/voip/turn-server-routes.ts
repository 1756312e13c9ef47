// GET /voip/turnServer: TURN credentials for calls (spec "Voice over IP", "Server behaviour").
import { Effect } from "effect";
import { Hono } from "hono";
import { WallClock } from "../../../platform/wall-clock";
import { readTurnSettings } from "../../../platform/turn-config";
import { turnCredentials } from "../../../protocol/voip/turn-credentials";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { rateLimit } from "../../rate-limit";

/**
 * Guests are refused (the guest-access module does not list this endpoint). Rate limited per user
 * with the message-sending bucket: a client asks once per call and again near the ttl, far below it.
 * When TURN is not configured the answer is 200 `{}`, as Synapse answers (its VoipRestServlet):
 * clients read the missing fields as "no TURN server" and fall back to STUN/direct connections,
 * whereas an error would be retried.
 */
const turnServer = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester.userId;
    yield* rateLimit(c, "message", { userId: me });
    const settings = yield* readTurnSettings(c.env);
    const credentials = turnCredentials(settings, me, (yield* WallClock).nowMs());
    return c.json(credentials ?? {});
  }),
);

export const turnServerRoutes = new Hono<AuthedEnv>().get("/voip/turnServer", requireAuth(), turnServer);
