// The Worker entry point: HTTP (Hono), the queue consumer and the Durable Object classes.
import { createApp } from "./api/app";
import { syncNotifierClient } from "./durable/sync-notifier-client";
import type { Env } from "./platform/env";
import { handleRoomLogQueue } from "./projections/room-log-consumer";
import { noLogSource } from "./projections/room-log-source";

export { RoomDurableObject } from "./durable/room-durable-object";
export { SyncNotifierDurableObject } from "./durable/sync-notifier";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  async queue(batch, env, _ctx) {
    const notifier = syncNotifierClient(env.SYNC_NOTIFIER);
    // The room DO client is wired here once it exists; until then a gap stays unfilled (not acked).
    await handleRoomLogQueue(batch, { db: env.DB, logSource: noLogSource, notify: notifier.poke });
  },
} satisfies ExportedHandler<Env>;
