// Two users on a real `npm start`: register, create, invite, join, talk both ways; matrix-js-sdk drives the room calls.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, Direction, Method, Preset, type MatrixClient } from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { killAll, startServer, type StartedServer } from "./started-server";

// The SDK logs every request at debug level; failures still show.
(logger as unknown as { setLevel(level: "warn"): void }).setLevel("warn");

let server: StartedServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "matrix-e2e-rooms-"));
  server = await startServer({ PERSIST_DIR: dir, REGISTRATION: "open" });
}, 120_000);

afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

interface Session {
  readonly userId: string;
  readonly client: MatrixClient;
}

/** Registration's two user-interactive steps with plain fetch, then a client holding the token. */
async function register(name: string): Promise<Session> {
  const url = `${server.baseUrl}/_matrix/client/v3/register`;
  const body = { username: `${name}${Date.now().toString(36)}`, password: "correct horse battery staple" };
  const first = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  const { session } = (await first.json()) as { session: string };
  const done = await fetch(url, { method: "POST", body: JSON.stringify({ ...body, auth: { type: "m.login.dummy", session } }) });
  expect(done.status).toBe(200);
  const creds = (await done.json()) as { user_id: string; access_token: string; device_id: string };
  const client = createClient({ baseUrl: server.baseUrl, userId: creds.user_id, accessToken: creds.access_token, deviceId: creds.device_id });
  return { userId: creds.user_id, client };
}

interface SyncBody {
  next_batch: string;
  rooms: {
    join: Record<string, { timeline: { events: { type: string; sender: string; content: Record<string, unknown> }[] } }>;
    invite: Record<string, unknown>;
  };
}

/**
 * /sync through the SDK's HTTP layer. `startClient` would also need GET /pushrules/ and
 * POST /user/{userId}/filter, which this server does not serve yet.
 */
const sync = (client: MatrixClient, since?: string, timeout = 0): Promise<SyncBody> =>
  client.http.authedRequest<SyncBody>(Method.Get, "/sync", { timeout: String(timeout), ...(since === undefined ? {} : { since }) });

/** Long-polls until `done` holds for the accumulated body texts of `roomId`. */
async function syncUntil(client: MatrixClient, roomId: string, since: string | undefined, done: (bodies: string[], events: SyncBody["rooms"]["join"][string]["timeline"]["events"]) => boolean) {
  const events: SyncBody["rooms"]["join"][string]["timeline"]["events"] = [];
  let token = since;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const body = await sync(client, token, token === undefined ? 0 : 5000);
    events.push(...(body.rooms.join[roomId]?.timeline.events ?? []));
    token = body.next_batch;
    const texts = events.filter((e) => e.type === "m.room.message").map((e) => String(e.content["body"]));
    if (done(texts, events)) return { texts, events, token };
  }
  throw new Error("sync never showed the expected messages");
}

it("two users create, invite, join and exchange messages; each sees the other's in /sync and /messages", async () => {
  const alice = await register("alice");
  const bob = await register("bob");
  const { room_id: roomId } = await alice.client.createRoom({ name: "Tea", preset: Preset.PrivateChat });
  await alice.client.invite(roomId, bob.userId);

  // Bob learns of the invite from /sync.
  let bobToken: string | undefined;
  for (let i = 0; i < 100; i++) {
    const body = await sync(bob.client, bobToken, bobToken === undefined ? 0 : 2000);
    bobToken = body.next_batch;
    if (body.rooms.invite[roomId] !== undefined) break;
  }
  await bob.client.joinRoom(roomId);

  await alice.client.sendTextMessage(roomId, "hello bob");
  await bob.client.sendTextMessage(roomId, "hello alice");
  await alice.client.sendTextMessage(roomId, "how are you?");

  const seenByBob = await syncUntil(bob.client, roomId, bobToken, (texts) => texts.includes("how are you?"));
  expect(seenByBob.texts).toEqual(["hello bob", "hello alice", "how are you?"]);
  const seenByAlice = await syncUntil(alice.client, roomId, undefined, (texts) => texts.includes("how are you?"));
  expect(seenByAlice.texts).toEqual(["hello bob", "hello alice", "how are you?"]);
  expect(seenByAlice.events.find((e) => e.content["body"] === "hello alice")?.sender).toBe(bob.userId);

  // Bob's reply arrives in Alice's waiting long-poll.
  const waiting = syncUntil(alice.client, roomId, seenByAlice.token, (texts) => texts.includes("fine, thanks"));
  await bob.client.sendTextMessage(roomId, "fine, thanks");
  expect((await waiting).texts).toEqual(["fine, thanks"]);

  const page = await bob.client.createMessagesRequest(roomId, null, 10, Direction.Backward);
  expect(page.chunk.filter((e) => e.type === "m.room.message").map((e) => e.content["body"])).toEqual([
    "fine, thanks",
    "how are you?",
    "hello alice",
    "hello bob",
  ]);
  expect((await bob.client.getJoinedRooms()).joined_rooms).toContain(roomId);
  const name = await bob.client.getStateEvent(roomId, "m.room.name", "");
  expect(name).toEqual({ name: "Tea" });
});
