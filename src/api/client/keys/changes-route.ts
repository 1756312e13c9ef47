// GET /keys/changes?from=&to=: users sharing a room with the caller whose device lists changed between two sync tokens.
import { Effect } from "effect";
import { Hono } from "hono";
import { deviceListChanges } from "../../../readmodels/device-lists-for-sync";
import { parseSyncToken } from "../../../readmodels/sync-token";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";

const token = (value: string | undefined, name: string) => {
  if (value === undefined) return Effect.fail(new RequestDecodeError({ reason: "missing_param", message: `${name} is required` }));
  const parsed = parseSyncToken(value);
  return parsed.ok ? Effect.succeed(parsed.value) : Effect.fail(parsed.error);
};

export const keyChangesRoutes = new Hono<AuthedEnv>().get(
  "/keys/changes",
  requireAuth(),
  authedRoute((c) =>
    Effect.gen(function* () {
      const from = yield* token(c.req.query("from"), "from");
      const to = yield* token(c.req.query("to"), "to");
      const changes = yield* Effect.promise(() =>
        deviceListChanges(c.env.DB, {
          userId: c.var.requester.userId,
          since: from.device_lists,
          until: Math.max(from.device_lists, to.device_lists),
          sincePdu: from.pdu,
          pduPosition: Math.max(from.pdu, to.pdu),
        }),
      );
      return c.json({ changed: changes.changed, left: changes.left });
    }),
  ),
);
