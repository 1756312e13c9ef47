// Content reports (events, rooms, users) for the server admins: checks the reporter may report, then stores the report in the `reports` records table.
import { err, ok, type Result } from "../protocol/result";
import { visibleEvent } from "./event-context";

/** The event is unknown, not visible to the reporter, or the reporter is not joined; or the room is unknown (404). */
export interface ReportTargetNotFound {
  readonly _tag: "ReportTargetNotFound";
  readonly reason: string;
}

export interface EventReport {
  readonly reporter: string;
  readonly roomId: string;
  readonly eventId: string;
  readonly reason?: string;
  readonly score?: number;
  readonly now: number;
}

export interface RoomReport {
  readonly reporter: string;
  readonly roomId: string;
  readonly reason?: string;
  readonly now: number;
}

export interface UserReport {
  readonly reporter: string;
  readonly userId: string;
  /** Whether the reported user is on this server (only those can be checked for existence). */
  readonly local: boolean;
  readonly reason?: string;
  readonly now: number;
}

type ReportKind = "event" | "room" | "user";

export interface StoredReport {
  readonly id: number;
  readonly kind: ReportKind;
  readonly room_id: string | null;
  readonly event_id: string | null;
  readonly target_user_id: string | null;
  readonly reporter: string;
  readonly reason: string | null;
  readonly score: number | null;
  readonly received_ts: number;
}

interface ReportRow {
  readonly kind: ReportKind;
  readonly roomId?: string;
  readonly eventId?: string;
  readonly targetUserId?: string;
  readonly reporter: string;
  readonly reason?: string;
  readonly score?: number;
  readonly now: number;
}

const insert = (db: D1Database, r: ReportRow) =>
  db
    .prepare(`INSERT INTO reports (kind, room_id, event_id, target_user_id, reporter, reason, score, received_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .bind(r.kind, r.roomId ?? null, r.eventId ?? null, r.targetUserId ?? null, r.reporter, r.reason ?? null, r.score ?? null, r.now)
    .run();

/**
 * Stores an event report when the reporter is joined to the room now (spec v1.8) and may see the
 * event; otherwise one 404 for every case, so a report does not tell whether an event exists.
 */
export async function reportEvent(db: D1Database, report: EventReport): Promise<Result<void, ReportTargetNotFound>> {
  const [joined, visible] = await Promise.all([
    db.prepare(`SELECT 1 AS one FROM memberships WHERE user_id = ? AND room_id = ? AND membership = 'join'`).bind(report.reporter, report.roomId).first(),
    visibleEvent(db, { userId: report.reporter, roomId: report.roomId, eventId: report.eventId, now: report.now }),
  ]);
  if (joined === null || visible === undefined) {
    return err({ _tag: "ReportTargetNotFound", reason: "The event was not found or you are not joined to the room" });
  }
  await insert(db, { kind: "event", ...report });
  return ok(undefined);
}

/** Stores a room report for any room this server knows, joined or not (spec v1.13: room reports are not restricted by membership). */
export async function reportRoom(db: D1Database, report: RoomReport): Promise<Result<void, ReportTargetNotFound>> {
  const known = await db.prepare(`SELECT 1 AS one FROM rooms WHERE room_id = ?`).bind(report.roomId).first();
  if (known === null) return err({ _tag: "ReportTargetNotFound", reason: "The room was not found" });
  await insert(db, { kind: "room", ...report });
  return ok(undefined);
}

/**
 * Stores a user report whether or not the two share a room (spec v1.14). A local user must have
 * an account (404 otherwise); a remote user cannot be checked without federation and is accepted.
 */
export async function reportUser(db: D1Database, report: UserReport): Promise<Result<void, ReportTargetNotFound>> {
  if (report.local) {
    const known = await db.prepare(`SELECT 1 AS one FROM users WHERE user_id = ?`).bind(report.userId).first();
    if (known === null) return err({ _tag: "ReportTargetNotFound", reason: "The user was not found" });
  }
  await insert(db, {
    kind: "user",
    targetUserId: report.userId,
    reporter: report.reporter,
    now: report.now,
    ...(report.reason === undefined ? {} : { reason: report.reason }),
  });
  return ok(undefined);
}

/** The newest reports first (of one room, with `roomId`), for the admins. */
export async function recentReports(db: D1Database, limit: number, roomId?: string): Promise<StoredReport[]> {
  const statement =
    roomId === undefined
      ? db.prepare(`SELECT * FROM reports ORDER BY received_ts DESC, id DESC LIMIT ?`).bind(limit)
      : db.prepare(`SELECT * FROM reports WHERE room_id = ? ORDER BY received_ts DESC, id DESC LIMIT ?`).bind(roomId, limit);
  return (await statement.all<StoredReport>()).results;
}

/** A report as the admins see it: the stored row, its resolution, and the reported event's sender and content when known. */
export interface AdminReport extends StoredReport {
  /** When an admin resolved it; null while open. */
  readonly resolved_ts: number | null;
  readonly resolved_by: string | null;
  /** The sender of the reported event (event reports whose event this server has). */
  readonly sender: string | null;
}

export interface ReportQuery {
  /** Only reports older than this one (its id: a `next_token` of a previous page). */
  readonly before?: number;
  readonly limit: number;
  readonly roomId?: string;
  /** Reports made by this user. */
  readonly reporter?: string;
  /** Reports about this user: user reports of them, or reports of an event they sent. */
  readonly about?: string;
  readonly resolved?: boolean;
}

export interface ReportPage {
  readonly reports: readonly AdminReport[];
  /** The id to pass as `before` for the next page; absent on the last page. */
  readonly nextBefore?: number;
}

const ADMIN_COLUMNS = `r.id, r.kind, r.room_id, r.event_id, r.target_user_id, r.reporter, r.reason, r.score, r.received_ts,
  r.resolved_ts, r.resolved_by, e.sender`;

/**
 * The reports matching every given filter, newest first (by id: the order they arrived in, which
 * makes `before` a stable cursor while new reports come in).
 */
export async function listReports(db: D1Database, query: ReportQuery): Promise<ReportPage> {
  const where: string[] = [];
  const binds: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    where.push(clause);
    binds.push(...values);
  };
  if (query.before !== undefined) add("r.id < ?", query.before);
  if (query.roomId !== undefined) add("r.room_id = ?", query.roomId);
  if (query.reporter !== undefined) add("r.reporter = ?", query.reporter);
  if (query.about !== undefined) add("(r.target_user_id = ? OR e.sender = ?)", query.about, query.about);
  if (query.resolved !== undefined) add(query.resolved ? "r.resolved_ts IS NOT NULL" : "r.resolved_ts IS NULL");
  const rows = (
    await db
      .prepare(
        `SELECT ${ADMIN_COLUMNS} FROM reports r LEFT JOIN events e ON e.event_id = r.event_id
         ${where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`} ORDER BY r.id DESC LIMIT ?`,
      )
      .bind(...binds, query.limit + 1)
      .all<AdminReport>()
  ).results;
  const reports = rows.slice(0, query.limit);
  const last = reports.at(-1);
  return { reports, ...(rows.length > query.limit && last !== undefined ? { nextBefore: last.id } : {}) };
}

/** One report with the reported event's stored JSON (null when not an event report or the event is unknown here). */
export async function getReport(db: D1Database, id: number): Promise<(AdminReport & { readonly event_json: string | null }) | undefined> {
  const row = await db
    .prepare(`SELECT ${ADMIN_COLUMNS}, e.event_json FROM reports r LEFT JOIN events e ON e.event_id = r.event_id WHERE r.id = ?`)
    .bind(id)
    .first<AdminReport & { event_json: string | null }>();
  return row ?? undefined;
}

/** Marks a report resolved by `admin`; a resolved report keeps its first resolution. False when there is no such report. */
export async function resolveReport(db: D1Database, id: number, admin: string, now: number): Promise<boolean> {
  const [, found] = await db.batch([
    db.prepare(`UPDATE reports SET resolved_ts = ?, resolved_by = ? WHERE id = ? AND resolved_ts IS NULL`).bind(now, admin, id),
    db.prepare(`SELECT 1 AS one FROM reports WHERE id = ?`).bind(id),
  ]);
  return (found?.results.length ?? 0) > 0;
}
