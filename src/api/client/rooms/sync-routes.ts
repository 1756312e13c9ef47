// GET /sync (long-poll on the sync notifier) and GET /rooms/{roomId}/messages, read from the D1 read models.
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";
import { typingClient } from "../../../durable/typing-client";
import { readPresenceTiming } from "../../../platform/presence-timing";
import { WallClock } from "../../../platform/wall-clock";
import { presenceOnSync } from "../../../readmodels/presence-store";
import { roomMessages } from "../../../readmodels/room-messages";
import { syncWithLongPoll, type SetPresence } from "../../../readmodels/sync-response";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { armPresenceTimer } from "../ephemeral/presence-routes";
import { RequestDecodeError } from "../../decode-request";
import { syncFilterParam } from "../user-data/sync-filter";
import { roomEventFilterQuery } from "../events/event-query";
import { intQuery, requiredQuery, roomIdParam } from "./room-request";

/** A long-poll is held at most this long whatever the client asks (clients ask for 30 s). */
const MAX_SYNC_TIMEOUT_MS = 60_000;

const invalidParam = (message: string) => new RequestDecodeError({ reason: "invalid_param", message });

function booleanQuery(c: Context<AuthedEnv>, name: string): Effect.Effect<boolean, RequestDecodeError> {
  const text = c.req.query(name);
  if (text === undefined || text === "false") return Effect.succeed(false);
  if (text === "true") return Effect.succeed(true);
  return Effect.fail(invalidParam(`${name} must be true or false`));
}

const PRESENCE_VALUES: readonly SetPresence[] = ["online", "offline", "unavailable"];

/** `set_presence`: absent means online (spec); any other value than the three is refused. */
function setPresenceQuery(c: Context<AuthedEnv>): Effect.Effect<SetPresence | undefined, RequestDecodeError> {
  const text = c.req.query("set_presence");
  if (text === undefined) return Effect.succeed(undefined);
  const value = PRESENCE_VALUES.find((p) => p === text);
  return value === undefined ? Effect.fail(invalidParam("set_presence must be online, offline or unavailable")) : Effect.succeed(value);
}

const sync = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const timeoutMs = (yield* intQuery(c, "timeout", MAX_SYNC_TIMEOUT_MS)) ?? 0;
    const fullState = yield* booleanQuery(c, "full_state");
    const useStateAfter = yield* booleanQuery(c, "use_state_after");
    const presence = yield* setPresenceQuery(c);
    const filter = yield* syncFilterParam(c);
    const since = c.req.query("since");
    const clock = yield* WallClock;
    const notifier = syncNotifierClient(c.env.SYNC_NOTIFIER);
    const presenceTiming = yield* readPresenceTiming(c.env);
    // set_presence (online by default): a change others must see advances the presence stream and
    // arms the presence timer (idle, offline once syncing stops); a sync that changes nothing does neither.
    const setPresence = async (userId: string, state: SetPresence) => {
      const position = await presenceOnSync(c.env.DB, userId, state, clock.nowMs());
      if (position !== undefined) {
        await notifier.advance("presence", position);
        await Effect.runPromise(armPresenceTimer(c.env, userId, presenceTiming, true));
      }
    };
    const result = yield* Effect.promise(() =>
      syncWithLongPoll(
        c.env.DB,
        {
          userId: me.userId,
          deviceId: me.deviceId,
          ...(since === undefined ? {} : { since }),
          fullState,
          useStateAfter,
          ...(filter === undefined ? {} : { filter }),
          now: clock.nowMs(),
          timeoutMs,
          ...(presence === undefined ? {} : { presence }),
          setPresence,
          typing: typingClient(c.env.TYPING),
        },
        notifier,
        clock.nowMs,
      ),
    );
    if (!result.ok) return yield* Effect.fail(result.error);
    return c.json(result.value.body);
  }),
);

const messages = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const dir = yield* requiredQuery(c, "dir");
    if (dir !== "b" && dir !== "f") return yield* Effect.fail(invalidParam("dir must be b or f"));
    const limit = yield* intQuery(c, "limit", 1000);
    const from = c.req.query("from");
    const to = c.req.query("to");
    const filter = yield* roomEventFilterQuery(c);
    const now = (yield* WallClock).nowMs();
    const page = yield* Effect.promise(() =>
      roomMessages(c.env.DB, {
        userId: me.userId,
        deviceId: me.deviceId,
        roomId,
        dir,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(limit === undefined ? {} : { limit }),
        ...(filter === undefined ? {} : { filter }),
        now,
      }),
    );
    if (!page.ok) return yield* Effect.fail(page.error);
    return c.json(page.value);
  }),
);

export const syncRoutes = new Hono<AuthedEnv>()
  .get("/sync", requireAuth(), sync)
  .get("/rooms/:roomId/messages", requireAuth(), messages);
