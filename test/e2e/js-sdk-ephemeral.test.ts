// Typing notifications and read receipts through matrix-js-sdk on a real `npm start`: each must reach the
// other user's running /sync within a second of being sent.
import { rmSync } from "node:fs";
import { KnownMembership, type MatrixClient, type MatrixEvent, MsgType, NotificationCountType, Preset, ReceiptType, type Room, RoomEvent, RoomMemberEvent } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Account, clientFor, liveBodies, roomOf, startSyncing, startWithTwoUsers, stopAllClients, waitFor, withTimeout } from "./js-sdk-clients";
import { killAll, type StartedServer } from "./started-server";

/** How soon an ephemeral event must show up in the other user's sync. */
const LATENCY_MS = 1000;

let server: StartedServer;
let dir: string;
let aliceAccount: Account;
let bobAccount: Account;
let alice: MatrixClient;
let bob: MatrixClient;
let roomId = "";

beforeAll(async () => {
  ({ server, dir, aliceAccount, bobAccount, alice, bob } = await startWithTwoUsers("matrix-e2e-js-sdk-ephemeral-"));
  ({ room_id: roomId } = await alice.createRoom({ name: "Ephemeral", preset: Preset.PrivateChat }));
  await alice.invite(roomId, bobAccount.userId);
  await roomOf(bob, roomId);
  await bob.joinRoom(roomId);
  const aliceRoom = await roomOf(alice, roomId);
  await waitFor(() => aliceRoom.getMember(bobAccount.userId)?.membership === KnownMembership.Join, 15_000, "alice to see bob join");
  const bobRoom = await roomOf(bob, roomId);
  await waitFor(() => bobRoom.getMyMembership() === KnownMembership.Join, 15_000, "bob's join in his own sync");
}, 120_000);

afterAll(async () => {
  stopAllClients();
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the time bob's client reports alice's typing state as `typing`. */
function bobSeesAliceTyping(typing: boolean): Promise<number> {
  return new Promise((resolve) => {
    const onTyping = (_event: MatrixEvent, member: { userId: string; roomId: string; typing: boolean }): void => {
      if (member.roomId === roomId && member.userId === aliceAccount.userId && member.typing === typing) {
        bob.off(RoomMemberEvent.Typing, onTyping);
        resolve(Date.now());
      }
    };
    bob.on(RoomMemberEvent.Typing, onTyping);
  });
}

describe("matrix-js-sdk ephemeral events", () => {
  it(`bob sees alice start and stop typing within ${LATENCY_MS} ms each`, async () => {
    const bobRoom = await roomOf(bob, roomId);
    const started = bobSeesAliceTyping(true);
    const startSent = Date.now();
    await alice.sendTyping(roomId, true, 30_000);
    const startSeen = await withTimeout(started, 10_000, "bob to see alice typing");
    expect(startSeen - startSent).toBeLessThan(LATENCY_MS);
    expect(bobRoom.getMember(aliceAccount.userId)?.typing).toBe(true);

    const stopped = bobSeesAliceTyping(false);
    const stopSent = Date.now();
    await alice.sendTyping(roomId, false, 0);
    const stopSeen = await withTimeout(stopped, 10_000, "bob to see alice stop typing");
    expect(stopSeen - stopSent).toBeLessThan(LATENCY_MS);
    expect(bobRoom.getMember(aliceAccount.userId)?.typing).toBe(false);
  });

  it("alice's typing ends by itself when its timeout runs out", async () => {
    const started = bobSeesAliceTyping(true);
    const sentAt = Date.now();
    await alice.sendTyping(roomId, true, 2000);
    await withTimeout(started, 10_000, "bob to see alice typing");
    const stopped = bobSeesAliceTyping(false);
    const stopSeen = await withTimeout(stopped, 10_000, "alice's typing to time out");
    // Not before the 2 s timeout, and within a second after it.
    expect(stopSeen - sentAt).toBeGreaterThanOrEqual(1900);
    expect(stopSeen - sentAt).toBeLessThan(2000 + LATENCY_MS);
  });

  it(`alice sees bob's read receipt within ${LATENCY_MS} ms`, async () => {
    const { event_id: eventId } = await alice.sendMessage(roomId, { msgtype: MsgType.Text, body: "did you read this?" });
    const bobRoom = await roomOf(bob, roomId);
    const aliceRoom = await roomOf(alice, roomId);
    const event = await waitFor(() => bobRoom.findEventById(eventId), 15_000, "the message in bob's timeline");
    expect(liveBodies(bobRoom).at(-1)).toBe("did you read this?");

    const seen = new Promise<number>((resolve) => {
      const onReceipt = (_event: MatrixEvent, room: Room): void => {
        if (room.roomId === roomId && room.getReadReceiptForUserId(bobAccount.userId, true, ReceiptType.Read)?.eventId === eventId) {
          alice.off(RoomEvent.Receipt, onReceipt);
          resolve(Date.now());
        }
      };
      alice.on(RoomEvent.Receipt, onReceipt);
    });
    const sent = Date.now();
    await bob.sendReadReceipt(event, ReceiptType.Read);
    const seenAt = await withTimeout(seen, 10_000, "alice to see bob's receipt");
    expect(seenAt - sent).toBeLessThan(LATENCY_MS);
    const aliceEvent = aliceRoom.findEventById(eventId);
    expect(aliceEvent).toBeDefined();
    expect(aliceRoom.getUsersReadUpTo(aliceEvent!)).toContain(bobAccount.userId);
    // A client that starts afresh gets the receipt from its initial sync.
    const fresh = await startSyncing(clientFor(server, aliceAccount));
    const freshRoom = await roomOf(fresh, roomId);
    await waitFor(
      () => freshRoom.getReadReceiptForUserId(bobAccount.userId, true, ReceiptType.Read)?.eventId === eventId,
      15_000,
      "the receipt in a fresh initial sync",
    );
    fresh.stopClient();
  });

  it("bob's read receipt clears his unread count: a fresh client of his starts at 0", async () => {
    const ids: string[] = [];
    for (const body of ["one", "two", "three"]) ids.push((await alice.sendMessage(roomId, { msgtype: MsgType.Text, body })).event_id);
    const bobRoom = await roomOf(bob, roomId);
    const last = await waitFor(() => bobRoom.findEventById(ids[2]!), 15_000, "the last message in bob's timeline");
    const before = await startSyncing(clientFor(server, bobAccount));
    expect((await roomOf(before, roomId)).getUnreadNotificationCount(NotificationCountType.Total)).toBeGreaterThanOrEqual(3);
    before.stopClient();

    await bob.sendReadReceipt(last, ReceiptType.Read);
    const after = await startSyncing(clientFor(server, bobAccount));
    const afterRoom = await roomOf(after, roomId);
    expect(afterRoom.getUnreadNotificationCount(NotificationCountType.Total)).toBe(0);
    expect(afterRoom.getReadReceiptForUserId(bobAccount.userId, true, ReceiptType.Read)?.eventId).toBe(ids[2]);
    after.stopClient();
  });
});
