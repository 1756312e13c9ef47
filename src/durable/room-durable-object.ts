// The room Durable Object: the single writer of one room's event log (SQLite-backed).
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../platform/env";

export class RoomDurableObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The event log and outbox schema are created here once the write path lands (issue 5).
  }
}
