// The typing Durable Object: who is typing in which room, until when, and the typing stream position /sync reads.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../platform/env";
import { syncNotifierClient } from "./sync-notifier-client";

/** The users typing in one room (possibly none: they all stopped since the caller's position). */
export interface TypingRoom {
  readonly roomId: string;
  readonly userIds: readonly string[];
}

export interface TypingSnapshot {
  /** The typing stream position this answer is complete up to. */
  readonly position: number;
  readonly rooms: readonly TypingRoom[];
}

/** The notifier's stream that typing positions are announced on. */
export const TYPING_STREAM = "typing";

/** A timeout is never longer than this here, whatever the caller passes (the route caps it too). */
const MAX_TIMEOUT_MS = 120_000;

/**
 * One instance for the server. Typing is ephemeral, but its position must never go back (sync
 * tokens carry it), so the entries, each room's last change and the position are kept in the
 * object's SQLite, which costs nothing to read. Every change, a timeout running out included,
 * takes a new position and is announced to the sync notifier: the alarm fires at the earliest
 * expiry, so a long-poll is woken when someone stops typing without saying so. Reads expire
 * lazily too, so an answer never lists a user whose time is up even if the alarm is late.
 */
export class TypingDurableObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS typing_users (room_id TEXT NOT NULL, user_id TEXT NOT NULL, expires_ts INTEGER NOT NULL, PRIMARY KEY (room_id, user_id))",
    );
    sql.exec("CREATE INDEX IF NOT EXISTS typing_users_by_expiry ON typing_users (expires_ts)");
    sql.exec("CREATE TABLE IF NOT EXISTS typing_rooms (room_id TEXT PRIMARY KEY, changed_pos INTEGER NOT NULL)");
    sql.exec("CREATE INDEX IF NOT EXISTS typing_rooms_by_pos ON typing_rooms (changed_pos)");
    sql.exec("CREATE TABLE IF NOT EXISTS typing_position (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL)");
  }

  /**
   * `userId` is typing in `roomId` for the next `timeoutMs` (or has stopped). Returns the position
   * after the call. Typing again while typing only extends the time: the list others see is the
   * same, so it takes no position and wakes nobody.
   */
  async setTyping(roomId: string, userId: string, typing: boolean, timeoutMs: number): Promise<number> {
    const now = Date.now();
    let changed = this.expire(now);
    const sql = this.ctx.storage.sql;
    const existing = sql.exec("SELECT 1 FROM typing_users WHERE room_id = ? AND user_id = ?", roomId, userId).toArray().length > 0;
    const ms = Math.max(0, Math.min(MAX_TIMEOUT_MS, Number.isFinite(timeoutMs) ? timeoutMs : 0));
    if (typing && ms > 0) {
      sql.exec(
        "INSERT INTO typing_users (room_id, user_id, expires_ts) VALUES (?, ?, ?) ON CONFLICT (room_id, user_id) DO UPDATE SET expires_ts = excluded.expires_ts",
        roomId,
        userId,
        now + ms,
      );
      if (!existing) changed = [...changed, roomId];
    } else if (existing) {
      sql.exec("DELETE FROM typing_users WHERE room_id = ? AND user_id = ?", roomId, userId);
      changed = [...changed, roomId];
    }
    const position = changed.length > 0 ? this.bump(changed) : this.position();
    await this.scheduleAlarm();
    if (changed.length > 0) await this.announce(position);
    return position;
  }

  /**
   * The typing lists of `roomIds`. `after` undefined (an initial sync): the rooms where someone is
   * typing. Otherwise the rooms whose list changed after that position, with their current list,
   * empty when everyone stopped (the client must replace its list, spec "Typing Notifications").
   */
  async typingIn(roomIds: readonly string[], after: number | undefined): Promise<TypingSnapshot> {
    const expired = this.expire(Date.now());
    if (expired.length > 0) {
      const position = this.bump(expired);
      await this.scheduleAlarm();
      await this.announce(position);
    }
    const sql = this.ctx.storage.sql;
    const wanted = new Set(roomIds);
    const typers = new Map<string, string[]>();
    for (const row of sql.exec<{ room_id: string; user_id: string }>("SELECT room_id, user_id FROM typing_users ORDER BY room_id, user_id")) {
      if (!wanted.has(row.room_id)) continue;
      const list = typers.get(row.room_id);
      if (list === undefined) typers.set(row.room_id, [row.user_id]);
      else list.push(row.user_id);
    }
    let rooms: string[];
    if (after === undefined) {
      rooms = [...typers.keys()];
    } else {
      rooms = sql
        .exec<{ room_id: string }>("SELECT room_id FROM typing_rooms WHERE changed_pos > ? ORDER BY room_id", after)
        .toArray()
        .map((r) => r.room_id)
        .filter((roomId) => wanted.has(roomId));
    }
    return { position: this.position(), rooms: rooms.map((roomId) => ({ roomId, userIds: typers.get(roomId) ?? [] })) };
  }

  /** The typing stream's head. */
  position(): number {
    const row = this.ctx.storage.sql.exec<{ position: number }>("SELECT position FROM typing_position WHERE id = 1").toArray()[0];
    return row?.position ?? 0;
  }

  /** A timeout ran out: drop whoever's time is up, take a position and wake the long-polls. */
  override async alarm(): Promise<void> {
    const expired = this.expire(Date.now());
    if (expired.length > 0) {
      const position = this.bump(expired);
      await this.announce(position);
    }
    await this.scheduleAlarm();
  }

  /** Removes the entries whose time is up; returns the rooms that lost a typer. */
  private expire(now: number): string[] {
    const sql = this.ctx.storage.sql;
    const rooms = sql
      .exec<{ room_id: string }>("SELECT DISTINCT room_id FROM typing_users WHERE expires_ts <= ?", now)
      .toArray()
      .map((r) => r.room_id);
    if (rooms.length > 0) sql.exec("DELETE FROM typing_users WHERE expires_ts <= ?", now);
    return rooms;
  }

  /** One new position for a change of these rooms' lists. */
  private bump(rooms: readonly string[]): number {
    const sql = this.ctx.storage.sql;
    const position = this.position() + 1;
    sql.exec(
      "INSERT INTO typing_position (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position",
      position,
    );
    for (const roomId of new Set(rooms)) {
      sql.exec(
        "INSERT INTO typing_rooms (room_id, changed_pos) VALUES (?, ?) ON CONFLICT (room_id) DO UPDATE SET changed_pos = excluded.changed_pos",
        roomId,
        position,
      );
    }
    return position;
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.ctx.storage.sql.exec<{ at: number | null }>("SELECT MIN(expires_ts) AS at FROM typing_users").toArray()[0]?.at ?? null;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  /** The change is stored: a notifier failure must not undo it; waiting syncs then see it at their timeout. */
  private async announce(position: number): Promise<void> {
    try {
      await syncNotifierClient(this.env.SYNC_NOTIFIER).advance(TYPING_STREAM, position);
    } catch (e) {
      console.warn(`typing: notifier advance failed: ${String(e)}`);
    }
  }
}
