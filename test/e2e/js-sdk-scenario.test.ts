// A whole user story through matrix-js-sdk's public API on a real `npm start`: rooms, chat, edits, reactions,
// redactions, threads, back-pagination (scrollback, TimelineWindow, lazy loading, filters), tags, display names,
// kick/ban, power levels and search, each seen through the other client's own /sync loop.
import { rmSync } from "node:fs";
import {
  Direction,
  EventTimeline,
  EventType,
  Filter,
  KnownMembership,
  type MatrixClient,
  MatrixError,
  type MatrixEvent,
  MsgType,
  Preset,
  RelationType,
  type Room,
  type RoomMember,
  RoomMemberEvent,
  TimelineWindow,
} from "matrix-js-sdk";
import type { RoomMessageEventContent } from "matrix-js-sdk/lib/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Account, clientFor, liveBodies, register, roomOf, startSyncing, startWithTwoUsers, stopAllClients, waitFor } from "./js-sdk-clients";
import { killAll, type StartedServer } from "./started-server";

let server: StartedServer;
let dir: string;
let aliceAccount: Account;
let bobAccount: Account;
let alice: MatrixClient;
let bob: MatrixClient;
/** The room alice creates and bob joins; every `it` after the first uses it. */
let roomId = "";

beforeAll(async () => {
  ({ server, dir, aliceAccount, bobAccount, alice, bob } = await startWithTwoUsers("matrix-e2e-js-sdk-"));
}, 120_000);

afterAll(async () => {
  stopAllClients();
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

const text = (body: string): RoomMessageEventContent => ({ msgtype: MsgType.Text, body });

/** The event with this id on the client's view of the room, once sync has delivered it. */
const eventIn = (room: Room, eventId: string, what: string) => waitFor(() => room.findEventById(eventId), 15_000, what);

describe("matrix-js-sdk scenario", () => {
  it("alice creates a room and invites bob; bob sees the invite, joins, and alice sees him join", async () => {
    const bobInvited = new Promise<string>((resolve) => {
      const onMembership = (_event: MatrixEvent, member: RoomMember): void => {
        if (member.userId !== bobAccount.userId || member.membership !== KnownMembership.Invite) return;
        bob.off(RoomMemberEvent.Membership, onMembership);
        resolve(member.roomId);
      };
      bob.on(RoomMemberEvent.Membership, onMembership);
    });
    ({ room_id: roomId } = await alice.createRoom({ name: "Tea", preset: Preset.PrivateChat }));
    await alice.invite(roomId, bobAccount.userId);
    expect(await bobInvited).toBe(roomId);
    const invitedRoom = await roomOf(bob, roomId);
    expect(invitedRoom.getMyMembership()).toBe(KnownMembership.Invite);
    expect(invitedRoom.getDMInviter() ?? invitedRoom.getMember(bobAccount.userId)?.events.member?.getSender()).toBe(aliceAccount.userId);

    await bob.joinRoom(roomId);
    const aliceRoom = await roomOf(alice, roomId);
    await waitFor(() => aliceRoom.getMember(bobAccount.userId)?.membership === KnownMembership.Join, 15_000, "alice to see bob joined");
    const bobRoom = await roomOf(bob, roomId);
    await waitFor(() => bobRoom.getMyMembership() === KnownMembership.Join, 15_000, "bob's own join in his sync");
    expect(bobRoom.name).toBe("Tea");
    expect(bobRoom.getJoinedMembers().map((m) => m.userId).sort()).toEqual([aliceAccount.userId, bobAccount.userId].sort());
  });

  it("they chat; each sees the other's messages in order on the live timeline", async () => {
    const aliceRoom = await roomOf(alice, roomId);
    const bobRoom = await roomOf(bob, roomId);
    // Each replies once the other's line has arrived, as people do.
    const says = async (speaker: MatrixClient, listener: Room, body: string): Promise<void> => {
      await speaker.sendMessage(roomId, text(body));
      await waitFor(() => liveBodies(listener).includes(body), 15_000, `"${body}" to reach the other side`);
    };
    await says(alice, bobRoom, "hello bob");
    await says(bob, aliceRoom, "hello alice");
    await says(alice, bobRoom, "how are you?");
    const expected = ["hello bob", "hello alice", "how are you?"];
    expect(liveBodies(bobRoom), "bob's timeline").toEqual(expected);
    await waitFor(() => liveBodies(aliceRoom).includes("how are you?"), 15_000, "alice's own echo");
    expect(liveBodies(aliceRoom), "alice's timeline").toEqual(expected);
    const fromBob = bobRoom.getLiveTimeline().getEvents().find((e) => e.getContent()["body"] === "hello alice");
    expect(fromBob?.getSender()).toBe(bobAccount.userId);
    expect(fromBob?.isSending()).toBe(false);
  });

  it("alice edits a message; bob's client applies the m.replace", async () => {
    const { event_id: originalId } = await alice.sendMessage(roomId, text("see you at 5"));
    const { event_id: editId } = await alice.sendMessage(roomId, {
      msgtype: MsgType.Text,
      body: "* see you at 6",
      "m.new_content": { msgtype: MsgType.Text, body: "see you at 6" },
      "m.relates_to": { rel_type: RelationType.Replace, event_id: originalId },
    });
    const bobRoom = await roomOf(bob, roomId);
    const original = await eventIn(bobRoom, originalId, "the original in bob's timeline");
    await waitFor(() => original.replacingEventId() === editId, 15_000, "bob to apply the edit");
    expect(original.replacingEvent()?.getId()).toBe(editId);
    expect(original.getContent()["body"]).toBe("see you at 6");
    expect(original.getOriginalContent()["body"]).toBe("see you at 5");
  });

  it("bob reacts; alice sees the annotation in her relations container", async () => {
    const { event_id: targetId } = await alice.sendMessage(roomId, text("cake?"));
    const bobRoom = await roomOf(bob, roomId);
    await eventIn(bobRoom, targetId, "alice's question in bob's timeline");
    const { event_id: reactionId } = await bob.sendEvent(roomId, EventType.Reaction, {
      "m.relates_to": { rel_type: RelationType.Annotation, event_id: targetId, key: "👍" },
    });
    const aliceRoom = await roomOf(alice, roomId);
    const annotations = await waitFor(
      () => aliceRoom.relations.getChildEventsForEvent(targetId, RelationType.Annotation, EventType.Reaction)?.getSortedAnnotationsByKey(),
      15_000,
      "alice to aggregate bob's reaction",
    );
    expect(annotations.map(([key, events]) => [key, [...events].map((e) => [e.getId(), e.getSender()])])).toEqual([
      ["👍", [[reactionId, bobAccount.userId]]],
    ]);
  });

  it("a second identical reaction from bob is refused with M_DUPLICATE_ANNOTATION until he takes the first back", async () => {
    const { event_id: targetId } = await alice.sendMessage(roomId, text("biscuits?"));
    const react = () =>
      bob.sendEvent(roomId, EventType.Reaction, { "m.relates_to": { rel_type: RelationType.Annotation, event_id: targetId, key: "🍪" } });
    const { event_id: firstId } = await react();
    const second = await react().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(MatrixError);
    expect([(second as MatrixError).httpStatus, (second as MatrixError).errcode]).toEqual([400, "M_DUPLICATE_ANNOTATION"]);
    await bob.redactEvent(roomId, firstId);
    const { event_id: againId } = await react();
    expect(againId).not.toBe(firstId);
  });

  it("alice redacts a message; bob sees it redacted", async () => {
    const { event_id: oopsId } = await alice.sendMessage(roomId, text("my password is hunter2"));
    const bobRoom = await roomOf(bob, roomId);
    const oops = await eventIn(bobRoom, oopsId, "the message in bob's timeline");
    expect(oops.getContent()["body"]).toBe("my password is hunter2");
    await alice.redactEvent(roomId, oopsId, undefined, { reason: "typo" });
    await waitFor(() => oops.isRedacted(), 15_000, "bob to see the redaction");
    expect(oops.getContent()).toEqual({});
    expect(oops.getUnsigned().redacted_because?.sender).toBe(aliceAccount.userId);
    // A fresh read of the event gives the redacted form too.
    const fetched = await bob.fetchRoomEvent(roomId, oopsId);
    expect(fetched.content).toEqual({});
  });

  it("bob takes his reaction back by redacting it; alice's aggregation drops it", async () => {
    const { event_id: targetId } = await alice.sendMessage(roomId, text("tea or coffee?"));
    const { event_id: reactionId } = await bob.sendEvent(roomId, EventType.Reaction, {
      "m.relates_to": { rel_type: RelationType.Annotation, event_id: targetId, key: "☕" },
    });
    const aliceRoom = await roomOf(alice, roomId);
    // The SDK keeps a key whose last annotation was redacted, with no events left under it.
    const keys = () =>
      (aliceRoom.relations.getChildEventsForEvent(targetId, RelationType.Annotation, EventType.Reaction)?.getSortedAnnotationsByKey() ?? [])
        .filter(([, events]) => events.size > 0)
        .map(([key]) => key);
    await waitFor(() => keys().includes("☕"), 15_000, "alice to aggregate the reaction");
    await bob.redactEvent(roomId, reactionId);
    await waitFor(() => keys().length === 0, 15_000, "the redacted reaction to leave alice's aggregation");
  });

  it("a fresh client's first sync shows the edit applied, the reaction counted and the redaction done", async () => {
    const bobRoom = await roomOf(bob, roomId);
    const events = bobRoom.getLiveTimeline().getEvents();
    const original = events.find((e) => e.getOriginalContent()["body"] === "see you at 5");
    const question = events.find((e) => e.getContent()["body"] === "cake?");
    const redacted = events.find((e) => e.isRedacted() || e.getOriginalContent()["body"] === "my password is hunter2");
    expect([original, question, redacted].every((e) => e !== undefined)).toBe(true);

    const fresh = await startSyncing(clientFor(server, bobAccount), 30);
    const room = await roomOf(fresh, roomId);
    const again = (id: string | undefined) => room.findEventById(id!);
    expect(again(original!.getId())?.getContent()["body"]).toBe("see you at 6");
    expect(again(redacted!.getId())?.isRedacted()).toBe(true);
    const annotations = room.relations
      .getChildEventsForEvent(question!.getId()!, RelationType.Annotation, EventType.Reaction)
      ?.getSortedAnnotationsByKey()
      ?.map(([key, set]) => [key, set.size]);
    expect(annotations).toEqual([["👍", 1]]);
    fresh.stopClient();
  });

  it("bob replies in a thread; alice's client with thread support sees the thread and its replies", async () => {
    const threaded = async (account: Account): Promise<MatrixClient> => {
      const client = clientFor(server, account);
      const prepared = startSyncing(client, 20, { threadSupport: true });
      return prepared;
    };
    const bobThreads = await threaded(bobAccount);
    const { event_id: rootId } = await alice.sendMessage(roomId, text("thread about lunch"));
    await eventIn(await roomOf(bobThreads, roomId), rootId, "the root in bob's threaded client");
    for (const body of ["pizza", "sushi", "both"]) await bobThreads.sendMessage(roomId, rootId, text(body));
    const aliceThreads = await threaded(aliceAccount);
    const room = await roomOf(aliceThreads, roomId);
    const thread = await waitFor(() => (room.getThread(rootId)?.length === 3 ? room.getThread(rootId) : undefined), 15_000, "alice to see 3 replies");
    expect(thread.replyToEvent?.getContent()["body"]).toBe("both");
    expect(thread.replyToEvent?.getSender()).toBe(bobAccount.userId);
    bobThreads.stopClient();
    aliceThreads.stopClient();
  });

  it("alice sends 120 messages; a fresh client of bob's pages back through all of them in order with scrollback", async () => {
    const sent: string[] = [];
    for (let i = 0; i < 120; i++) {
      const body = `count ${i}`;
      await alice.sendMessage(roomId, text(body));
      sent.push(body);
    }
    // Bob's running client sees the last one live.
    const liveRoom = await roomOf(bob, roomId);
    await waitFor(() => liveBodies(liveRoom).includes("count 119"), 30_000, "bob's live client to see the last count").catch((error: unknown) => {
      throw new Error(`${String(error)}; bob's live timeline ends ${JSON.stringify(liveBodies(liveRoom).slice(-5))}, sync state ${bob.getSyncState()}`);
    });

    const fresh = await startSyncing(clientFor(server, bobAccount), 5);
    const room = await roomOf(fresh, roomId);
    const counts = () => liveBodies(room).filter((b) => b.startsWith("count "));
    expect(counts().length).toBeLessThanOrEqual(5);
    let pages = 0;
    while (!counts().includes("count 0")) {
      const before = room.getLiveTimeline().getEvents().length;
      await fresh.scrollback(room, 30);
      pages++;
      const after = room.getLiveTimeline().getEvents().length;
      if (after === before) throw new Error(`scrollback stopped after ${pages} pages at ${counts()[0] ?? "nothing"}`);
      expect(pages).toBeLessThan(20);
    }
    expect(counts()).toEqual(sent);
    // Paging on past the start reaches the room's creation, then stops.
    while (room.oldState.paginationToken !== null) await fresh.scrollback(room, 50);
    expect(room.getLiveTimeline().getEvents()[0]?.getType()).toBe(EventType.RoomCreate);
    // Events paged in through /messages carry their edits and redactions too.
    const paged = room.getLiveTimeline().getEvents();
    const edited = paged.find((e) => e.getOriginalContent()["body"] === "see you at 5");
    expect(edited?.getContent()["body"]).toBe("see you at 6");
    const hidden = paged.filter((e) => e.getType() === EventType.RoomMessage && e.isRedacted()).length;
    expect(hidden).toBe(1);
    expect(paged.some((e) => e.getContent()["body"] === "my password is hunter2")).toBe(false);
    fresh.stopClient();
  });

  it("a TimelineWindow opened at a message in the middle pages forwards to the newest and back to the room's creation", async () => {
    const viewer = await startSyncing(clientFor(server, bobAccount, { timelineSupport: true }), 5);
    const room = await roomOf(viewer, roomId);
    const page = await viewer.createMessagesRequest(roomId, null, 1000, Direction.Backward);
    const middle = page.chunk.find((e) => e.content["body"] === "count 60");
    expect(middle?.event_id).toBeDefined();
    const window = new TimelineWindow(viewer, room.getUnfilteredTimelineSet(), { windowLimit: 1000 });
    await window.load(middle!.event_id, 11);
    const counts = () =>
      window
        .getEvents()
        .map((e) => String(e.getContent()["body"]))
        .filter((b) => b.startsWith("count "));
    expect(counts()).toContain("count 60");
    for (let i = 0; i < 30 && window.canPaginate(EventTimeline.FORWARDS); i++) await window.paginate(EventTimeline.FORWARDS, 25);
    expect(counts().at(-1)).toBe("count 119");
    for (let i = 0; i < 30 && window.canPaginate(EventTimeline.BACKWARDS); i++) await window.paginate(EventTimeline.BACKWARDS, 25);
    expect(window.getEvents()[0]?.getType()).toBe(EventType.RoomCreate);
    expect(counts()).toEqual(Array.from({ length: 120 }, (_, i) => `count ${i}`));
    viewer.stopClient();
  });

  it("a lazy-loading client's scrollback learns the member event of a sender its first sync left out", async () => {
    const { room_id: galleryId } = await alice.createRoom({ name: "Gallery", preset: Preset.PublicChat });
    await bob.joinRoom(galleryId);
    const { event_id: oldLineId } = await bob.sendMessage(galleryId, text("an old line from bob"));
    for (let i = 0; i < 8; i++) await alice.sendMessage(galleryId, text(`newer ${i}`));
    const lazy = await startSyncing(clientFor(server, aliceAccount), 3, { lazyLoadMembers: true });
    const room = await roomOf(lazy, galleryId);
    await waitFor(() => liveBodies(room).includes("newer 7"), 15_000, "the newest line in the lazy client");
    // Bob sent nothing in the first sync's timeline, so his member event was not sent with it.
    expect(room.currentState.getMember(bobAccount.userId)).toBeNull();
    while (room.findEventById(oldLineId) === undefined && room.oldState.paginationToken !== null) await lazy.scrollback(room, 5);
    const oldLine = room.findEventById(oldLineId);
    expect(oldLine?.getSender()).toBe(bobAccount.userId);
    // The /messages response's lazy-loaded state carried bob's member event; matrix-js-sdk 37 files
    // it into the room's current state (not the backwards state its event.sender reads).
    expect(room.getMember(bobAccount.userId)?.membership).toBe(KnownMembership.Join);
    lazy.stopClient();
  });

  it("/messages applies the client's event filter (types, senders)", async () => {
    const onlyMessagesFromBob = new Filter(aliceAccount.userId);
    onlyMessagesFromBob.setDefinition({ room: { timeline: { types: [EventType.RoomMessage], senders: [bobAccount.userId] } } });
    const page = await alice.createMessagesRequest(roomId, null, 50, Direction.Backward, onlyMessagesFromBob);
    expect(page.chunk.length).toBeGreaterThan(0);
    expect(page.chunk.every((e) => e.type === EventType.RoomMessage && e.sender === bobAccount.userId)).toBe(true);
    expect(page.chunk.map((e) => e.content["body"])).toContain("hello alice");
  });

  it("alice tags the room as a favourite and her client sees the tag over sync", async () => {
    const aliceRoom = await roomOf(alice, roomId);
    await alice.setRoomTag(roomId, "m.favourite", { order: 0.25 });
    await waitFor(() => aliceRoom.tags["m.favourite"], 15_000, "the tag in alice's sync");
    expect(aliceRoom.tags).toEqual({ "m.favourite": { order: 0.25 } });
    expect((await alice.getRoomTags(roomId)).tags).toEqual({ "m.favourite": { order: 0.25 } });
    await alice.deleteRoomTag(roomId, "m.favourite");
    await waitFor(() => aliceRoom.tags["m.favourite"] === undefined, 15_000, "the tag's removal in alice's sync");
  });

  it("bob changes his display name; alice sees the new name on bob's member", async () => {
    const aliceRoom = await roomOf(alice, roomId);
    await bob.setDisplayName("Bobby Tables");
    const member = await waitFor(
      () => {
        const m = aliceRoom.getMember(bobAccount.userId);
        return m?.name === "Bobby Tables" ? m : undefined;
      },
      15_000,
      "alice to see bob's new name",
    );
    expect(member.rawDisplayName).toBe("Bobby Tables");
    // The change is a member event whose prev_content holds the old name, as clients render it.
    const change = aliceRoom
      .getLiveTimeline()
      .getEvents()
      .filter((e) => e.getType() === EventType.RoomMember && e.getStateKey() === bobAccount.userId)
      .at(-1);
    expect(change?.getContent()["displayname"]).toBe("Bobby Tables");
    expect(change?.getPrevContent()["displayname"]).toBe(bobAccount.userId.slice(1).split(":")[0]);
    expect(change?.getPrevContent()["membership"]).toBe(KnownMembership.Join);
    expect(member.membership).toBe(KnownMembership.Join);
    expect((await alice.getProfileInfo(bobAccount.userId)).displayname).toBe("Bobby Tables");
  });

  it("carol joins a public room, is kicked, rejoins, is banned, and cannot join again (M_FORBIDDEN)", async () => {
    const carolAccount = await register(server, "carol");
    const carol = await startSyncing(clientFor(server, carolAccount));
    const { room_id: lobbyId } = await alice.createRoom({ name: "Lobby", preset: Preset.PublicChat });
    const aliceLobby = await roomOf(alice, lobbyId);
    const carolMembership = () => aliceLobby.getMember(carolAccount.userId)?.membership;

    await carol.joinRoom(lobbyId);
    await waitFor(() => carolMembership() === KnownMembership.Join, 15_000, "alice to see carol join");

    await alice.kick(lobbyId, carolAccount.userId, "be nice");
    const carolLobby = await roomOf(carol, lobbyId);
    await waitFor(() => carolLobby.getMyMembership() === KnownMembership.Leave, 15_000, "carol to see her kick");
    const kick = carolLobby.getMember(carolAccount.userId)?.events.member;
    expect(kick?.getSender()).toBe(aliceAccount.userId);
    expect(kick?.getContent()["reason"]).toBe("be nice");

    await carol.joinRoom(lobbyId);
    await waitFor(() => carolLobby.getMyMembership() === KnownMembership.Join, 15_000, "carol to see her rejoin");
    await waitFor(() => carolMembership() === KnownMembership.Join, 15_000, "alice to see carol rejoin");

    await alice.ban(lobbyId, carolAccount.userId, "enough");
    await waitFor(() => carolLobby.getMyMembership() === KnownMembership.Ban, 15_000, "carol to see her ban");
    await waitFor(() => carolMembership() === KnownMembership.Ban, 15_000, "alice to see the ban");

    const rejected = await carol.joinRoom(lobbyId).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rejected).toBeInstanceOf(MatrixError);
    expect((rejected as MatrixError).errcode).toBe("M_FORBIDDEN");
    expect((rejected as MatrixError).httpStatus).toBe(403);

    await alice.unban(lobbyId, carolAccount.userId);
    await waitFor(() => carolLobby.getMyMembership() === KnownMembership.Leave, 15_000, "carol to see her unban");
    await carol.joinRoom(lobbyId);
    await waitFor(() => carolMembership() === KnownMembership.Join, 15_000, "alice to see carol back after the unban");
    carol.stopClient();
  });

  it("bob, at power level 0, cannot kick alice, rename the room or redact her message (M_FORBIDDEN)", async () => {
    const { event_id: aliceMessageId } = await alice.sendMessage(roomId, text("mine, not yours"));
    const refused = async (attempt: Promise<unknown>): Promise<[number, string]> => {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MatrixError);
      return [(error as MatrixError).httpStatus ?? 0, (error as MatrixError).errcode ?? ""];
    };
    expect(await refused(bob.kick(roomId, aliceAccount.userId))).toEqual([403, "M_FORBIDDEN"]);
    expect(await refused(bob.setRoomName(roomId, "Bob's room"))).toEqual([403, "M_FORBIDDEN"]);
    expect(await refused(bob.redactEvent(roomId, aliceMessageId))).toEqual([403, "M_FORBIDDEN"]);
    const aliceRoom = await roomOf(alice, roomId);
    expect(aliceRoom.getMember(aliceAccount.userId)?.membership).toBe(KnownMembership.Join);
    expect(aliceRoom.name).toBe("Tea");
  });

  it("search: bob leaves, alice speaks again; bob's search finds what he saw but not what came after", async () => {
    const { room_id: searchRoomId } = await alice.createRoom({ name: "Secrets", preset: Preset.PrivateChat });
    await alice.invite(searchRoomId, bobAccount.userId);
    await bob.joinRoom(searchRoomId);
    const { event_id: beforeId } = await alice.sendMessage(searchRoomId, text("the pineapple plan, part one"));
    const bobRoom = await roomOf(bob, searchRoomId);
    await eventIn(bobRoom, beforeId, "part one in bob's timeline");
    await bob.leave(searchRoomId);
    await waitFor(() => bobRoom.getMyMembership() === KnownMembership.Leave, 15_000, "bob's leave in his sync");
    const { event_id: afterId } = await alice.sendMessage(searchRoomId, text("the pineapple plan, part two"));

    const found = async (client: MatrixClient): Promise<string[]> => {
      const results = await client.searchRoomEvents({ term: "pineapple" });
      return results.results.map((r) => r.context.getEvent().getId()!);
    };
    // Alice's search sees both, so the second message is indexed.
    await waitFor(async () => (await found(alice)).includes(afterId), 15_000, "alice's search to index part two");
    expect(await found(alice)).toEqual([afterId, beforeId]);
    expect(await found(bob)).toEqual([beforeId]);
  });

  it("search pages through more results than one response holds, newest first", async () => {
    let results = await bob.searchRoomEvents({ term: "count", filter: { rooms: [roomId] } });
    expect(results.count).toBe(120);
    for (let i = 0; i < 30 && results.next_batch !== undefined; i++) results = await bob.backPaginateRoomEventsSearch(results);
    const bodies = results.results.map((r) => String(r.context.getEvent().getContent()["body"]));
    expect(bodies).toEqual(Array.from({ length: 120 }, (_, i) => `count ${119 - i}`));
    expect(results.highlights).toContain("count");
    // The SDK asks for one event of context either side.
    const context = results.results[60]!.context.getTimeline().map((e) => e.getContent()["body"]);
    expect(context).toEqual(["count 58", "count 59", "count 60"]);
  });
});
