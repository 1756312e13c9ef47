// The Worker entry point: HTTP (Hono), the queue consumer and the Durable Object classes.
import { createApp } from "./api/app";
import type { Env } from "./platform/env";

export { RoomDurableObject } from "./durable/room-durable-object";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  async queue(batch, _env, _ctx) {
    // Projections arrive with the event log (issue 5). Until then nothing is produced, and anything
    // that arrives is acked so a stray message cannot wedge the queue.
    batch.ackAll();
  },
} satisfies ExportedHandler<Env>;
