// The worker entry `npm run replay` starts: the app's worker plus one local-only route that replays.
// Never deployed (wrangler deploy builds src/worker.ts); a deployed replay needs an admin route.
import { roomLogSource } from "../src/durable/room-client";
import { syncNotifierClient } from "../src/durable/sync-notifier-client";
import type { Env } from "../src/platform/env";
import { replayResponse } from "../src/projections/replay-route";
import worker from "../src/worker";

export * from "../src/worker";

export default {
  ...worker,
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname !== "/__replay" || request.method !== "POST") return worker.fetch(request, env, ctx);
    const notifier = syncNotifierClient(env.SYNC_NOTIFIER);
    const { response, finished } = replayResponse({ db: env.DB, logSource: roomLogSource(env.ROOMS), onDone: notifier.reset });
    ctx.waitUntil(finished);
    return response;
  },
} satisfies ExportedHandler<Env>;
