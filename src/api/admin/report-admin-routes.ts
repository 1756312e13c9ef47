// GET /_synapse/admin/v1/reports[/{id}] and POST …/{id}/resolve: the admins read and resolve content reports (event, room and user).
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { isJsonObject, type JsonObject } from "../../protocol/json-value";
import { WallClock } from "../../platform/wall-clock";
import { type AdminReport, getReport, listReports, resolveReport } from "../../readmodels/report-store";
import { authedRoute, type AuthedEnv } from "../auth-middleware";
import { matrixError } from "../matrix-error";
import { intQuery } from "../client/rooms/room-request";
import { requireAdmin } from "./require-admin";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const ID = /^[0-9]{1,15}$/;

const invalidParam = (message: string) => matrixError(400, "M_INVALID_PARAM", message);
const notFound = () => matrixError(404, "M_NOT_FOUND", "Report not found");

/** A report as JSON: fields that do not apply to its kind (and an open report's resolution) left out. */
function reportJson(report: AdminReport): JsonObject {
  const optional: Record<string, string | number | null> = {
    room_id: report.room_id,
    event_id: report.event_id,
    sender: report.sender,
    target_user_id: report.target_user_id,
    score: report.score,
    resolved_ts: report.resolved_ts,
    resolved_by: report.resolved_by,
  };
  return {
    id: report.id,
    kind: report.kind,
    received_ts: report.received_ts,
    reporter: report.reporter,
    reason: report.reason,
    resolved: report.resolved_ts !== null,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
  };
}

/** The path's report id: a positive integer, else 400. */
function reportId(c: Context<AuthedEnv>): Effect.Effect<number, ReturnType<typeof invalidParam>> {
  const text = c.req.param("id") ?? "";
  return ID.test(text) ? Effect.succeed(Number(text)) : Effect.fail(invalidParam("The report id must be an integer"));
}

/** An optional filter given as a query parameter; empty counts as absent. */
const filter = (c: Context<AuthedEnv>, name: string): string | undefined => {
  const value = c.req.query(name);
  return value === undefined || value === "" ? undefined : value;
};

/**
 * Newest first; `from` is the `next_token` of the previous page, `limit` at most 1000 (default
 * 100). Filters: `room_id`, `user_id` (the reporter, as Synapse's event_reports has it),
 * `target_user_id` (a reported user, or the sender of a reported event) and `resolved`.
 */
const list = authedRoute((c) =>
  Effect.gen(function* () {
    const from = filter(c, "from");
    if (from !== undefined && !ID.test(from)) return yield* Effect.fail(invalidParam("from is not a token from this endpoint"));
    const limit = (yield* intQuery(c, "limit", MAX_LIMIT)) ?? DEFAULT_LIMIT;
    const resolved = filter(c, "resolved");
    if (resolved !== undefined && resolved !== "true" && resolved !== "false") return yield* Effect.fail(invalidParam("resolved must be true or false"));
    const roomId = filter(c, "room_id");
    const reporter = filter(c, "user_id");
    const about = filter(c, "target_user_id");
    const page = yield* Effect.promise(() =>
      listReports(c.env.DB, {
        limit,
        ...(from === undefined ? {} : { before: Number(from) }),
        ...(roomId === undefined ? {} : { roomId }),
        ...(reporter === undefined ? {} : { reporter }),
        ...(about === undefined ? {} : { about }),
        ...(resolved === undefined ? {} : { resolved: resolved === "true" }),
      }),
    );
    return c.json({
      reports: page.reports.map(reportJson),
      ...(page.nextBefore === undefined ? {} : { next_token: String(page.nextBefore) }),
    });
  }),
);

/** One report; an event report carries the reported event as stored (`event_json`) when this server has it. */
const show = authedRoute((c) =>
  Effect.gen(function* () {
    const id = yield* reportId(c);
    const report = yield* Effect.promise(() => getReport(c.env.DB, id));
    if (report === undefined) return yield* Effect.fail(notFound());
    const event: unknown = report.event_json === null ? null : JSON.parse(report.event_json);
    return c.json({ ...reportJson(report), ...(isJsonObject(event) ? { event_json: event } : {}) });
  }),
);

/** Marks the report resolved by the calling admin (once: resolving again keeps the first); answers the report. */
const resolve = authedRoute((c) =>
  Effect.gen(function* () {
    const id = yield* reportId(c);
    const now = (yield* WallClock).nowMs();
    const found = yield* Effect.promise(() => resolveReport(c.env.DB, id, c.var.requester.userId, now));
    const report = found ? yield* Effect.promise(() => getReport(c.env.DB, id)) : undefined;
    if (report === undefined) return yield* Effect.fail(notFound());
    return c.json(reportJson(report));
  }),
);

export const reportAdminRoutes = new Hono<AuthedEnv>().use("*", requireAdmin).get("/", list).get("/:id", show).post("/:id/resolve", resolve);
