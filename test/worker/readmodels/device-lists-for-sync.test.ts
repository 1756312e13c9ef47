// deviceListsForSync: device-list changes of users sharing a room, users who started or stopped sharing one.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../../src/commands/log-entry";
import { positionOf, recordDeviceListChangeStatement } from "../../../src/accounts/device-list-stream";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { deviceListsForSync } from "../../../src/readmodels/device-lists-for-sync";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const logs = new ScriptedLogs();
const project = (entries: readonly LogEntry[]) =>
  projectRoomLogBatch(batchOf(entries), { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} });

const pduHead = async (): Promise<number> =>
  (await env.DB.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS p FROM events").first<{ p: number }>())?.p ?? 0;

async function change(userId: string): Promise<number> {
  const [result] = await env.DB.batch([recordDeviceListChangeStatement(env.DB, userId)]);
  const position = positionOf(result);
  if (position === undefined) throw new Error("no position");
  return position;
}

describe("deviceListsForSync", () => {
  it("reports nothing but the head on an initial sync", async () => {
    const head = await change("@dl-init:test");
    const out = await deviceListsForSync(env.DB, { userId: "@dl-init:test", since: undefined, sincePdu: undefined, pduPosition: await pduHead() });
    expect(out).toEqual({ position: head, changed: [], left: [] });
  });

  it("changed: own and room-mates' changes after since, and users who joined; left: users no longer sharing a room", async () => {
    const [a, b, c, d, stranger] = ["@dla:test", "@dlb:test", "@dlc:test", "@dld:test", "@dlx:test"];
    const room = logs.room("!dl1:test").create(a);
    await project([...room.entries, room.member(b, "join"), room.member(c, "join")]);
    const other = logs.room("!dl2:test").create(stranger);
    await project(other.entries);
    const since = await change(a);
    const sincePdu = await pduHead();

    await change(b);
    await change(stranger);
    await change(a);
    await project([room.member(c, "leave"), room.member(d, "join")]);
    const out = await deviceListsForSync(env.DB, { userId: a, since, sincePdu, pduPosition: await pduHead() });
    expect(out.changed).toEqual([a, b, d].sort());
    expect(out.left).toEqual([c]);
    expect(out.position).toBeGreaterThan(since);

    // Nothing after the head: nothing to report.
    const again = await deviceListsForSync(env.DB, { userId: a, since: out.position, sincePdu: await pduHead(), pduPosition: await pduHead() });
    expect(again.changed).toEqual([]);
    expect(again.left).toEqual([]);
  });

  it("the user's own join reports the room's members as changed, their own leave reports them as left", async () => {
    const [me, host, other] = ["@dlme:test", "@dlhost:test", "@dlother:test"];
    const room = logs.room("!dl3:test").create(host);
    await project([...room.entries, room.member(other, "join")]);
    const since = await change(host);
    const beforeJoin = await pduHead();
    await project([room.member(me, "join")]);
    const joined = await deviceListsForSync(env.DB, { userId: me, since, sincePdu: beforeJoin, pduPosition: await pduHead() });
    expect(joined.changed).toEqual([host, other].sort());
    expect(joined.left).toEqual([]);

    const beforeLeave = await pduHead();
    await project([room.member(me, "leave")]);
    const left = await deviceListsForSync(env.DB, { userId: me, since: joined.position, sincePdu: beforeLeave, pduPosition: await pduHead() });
    expect(left.changed).toEqual([]);
    expect(left.left).toEqual([host, other].sort());
  });

  it("a user sharing no room still sees their own changes", async () => {
    const since = await change("@dl-alone:test");
    await change("@dl-alone:test");
    const pdu = await pduHead();
    const out = await deviceListsForSync(env.DB, { userId: "@dl-alone:test", since, sincePdu: pdu, pduPosition: pdu });
    expect(out.changed).toEqual(["@dl-alone:test"]);
  });
});
