// The Worker entry point: HTTP (Hono), the queue consumer and the Durable Object classes.
import { createApp } from "./api/app";
import { roomLogSource } from "./durable/room-client";
import { syncNotifierClient } from "./durable/sync-notifier-client";
import type { Env } from "./platform/env";
import { handleRoomLogQueue } from "./projections/room-log-consumer";

export { PresenceTimerDurableObject } from "./durable/presence-timer";
export { RateLimiterDurableObject } from "./durable/rate-limiter";
export { RoomDurableObject } from "./durable/room-durable-object";
export { SyncNotifierDurableObject } from "./durable/sync-notifier";
export { TypingDurableObject } from "./durable/typing-durable-object";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  async queue(batch, env, _ctx) {
    const notifier = syncNotifierClient(env.SYNC_NOTIFIER);
    await handleRoomLogQueue(batch, { db: env.DB, logSource: roomLogSource(env.ROOMS), notify: notifier.poke });
  },
} satisfies ExportedHandler<Env>;
