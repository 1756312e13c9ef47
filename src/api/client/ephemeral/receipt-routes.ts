// POST /rooms/{roomId}/receipt/{receiptType}/{eventId} and POST /rooms/{roomId}/read_markers.
import { Effect } from "effect";
import { Hono } from "hono";
import { parseReadMarkersBody, parseReceiptThread } from "../../../protocol/ephemeral/ephemeral-requests";
import { isReceiptType } from "../../../protocol/ephemeral/receipt-events";
import { WallClock } from "../../../platform/wall-clock";
import { ephemeralError } from "../../../readmodels/ephemeral-error";
import { eventPlace } from "../../../readmodels/receipt-store";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { rateLimit } from "../../rate-limit";
import { eventIdParam } from "../events/event-query";
import { roomIdParam } from "../rooms/room-request";
import { fromRequest, requireJoined } from "./ephemeral-request";
import { writeFullyRead, writeReceipt } from "./receipt-write";

const FULLY_READ = "m.fully_read";

const postReceipt = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    yield* rateLimit(c, "receipt", { userId: c.var.requester.userId });
    const receiptType = c.req.param("receiptType") ?? "";
    if (receiptType !== FULLY_READ && !isReceiptType(receiptType)) {
      return yield* Effect.fail(ephemeralError("invalid_param", `Unknown receipt type ${JSON.stringify(receiptType.slice(0, 100))}`));
    }
    const eventId = eventIdParam(c);
    // The body is required by the spec, but older clients send none: an empty body reads as {}.
    const body = yield* readJsonObject(c.req.raw, { emptyAsObject: true });
    const threadId = yield* fromRequest(parseReceiptThread(body, receiptType !== FULLY_READ));
    yield* requireJoined(c, roomId);
    // Spec: m.fully_read here does what /read_markers does; it never appears under m.receipt.
    if (receiptType === FULLY_READ) yield* writeFullyRead(c, roomId, eventId);
    else yield* writeReceipt(c, roomId, receiptType, eventId, threadId, (yield* WallClock).nowMs());
    return c.json({});
  }),
);

const postReadMarkers = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    // One bucket with /receipt: a client reading a room often sends both.
    yield* rateLimit(c, "receipt", { userId: c.var.requester.userId });
    const markers = yield* fromRequest(parseReadMarkersBody(yield* readJsonObject(c.req.raw)));
    yield* requireJoined(c, roomId);
    const now = (yield* WallClock).nowMs();
    // Every named event is checked before anything is written, so a bad one changes nothing.
    for (const eventId of new Set([markers.fullyRead, markers.read, markers.readPrivate])) {
      if (eventId === undefined) continue;
      const place = yield* Effect.promise(() => eventPlace(c.env.DB, c.var.requester.userId, roomId, eventId));
      if (place === undefined) return yield* Effect.fail(ephemeralError("event_not_found", "Event not found in this room"));
    }
    // Spec: m.read and m.read.private here are treated as /receipt requests (unthreaded).
    if (markers.fullyRead !== undefined) yield* writeFullyRead(c, roomId, markers.fullyRead);
    if (markers.read !== undefined) yield* writeReceipt(c, roomId, "m.read", markers.read, undefined, now);
    if (markers.readPrivate !== undefined) yield* writeReceipt(c, roomId, "m.read.private", markers.readPrivate, undefined, now);
    return c.json({});
  }),
);

export const receiptRoutes = new Hono<AuthedEnv>()
  .post("/rooms/:roomId/receipt/:receiptType/:eventId", requireAuth(), postReceipt)
  .post("/rooms/:roomId/read_markers", requireAuth(), postReadMarkers);
