// matrix-js-sdk clients for the end-to-end scenarios: register through UIA, start a syncing client, and wait on its own events.
import {
  ClientEvent,
  createClient,
  type ICreateClientOpts,
  type IStartClientOpts,
  type MatrixClient,
  MatrixError,
  type Room,
  SyncState,
} from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, type StartedServer } from "./started-server";

// The SDK logs every request at debug level; failures still show.
(logger as unknown as { setLevel(level: "warn"): void }).setLevel("warn");

export const PASSWORD = "correct horse battery staple";

export interface Account {
  readonly userId: string;
  readonly accessToken: string;
  readonly deviceId: string;
}

const started = new Set<MatrixClient>();

/** A client for `account` that has not synced yet. */
export function clientFor(server: StartedServer, account: Account, options: Partial<ICreateClientOpts> = {}): MatrixClient {
  return createClient({
    ...options,
    baseUrl: server.baseUrl,
    userId: account.userId,
    accessToken: account.accessToken,
    deviceId: account.deviceId,
    fetchFn: globalThis.fetch.bind(globalThis),
  });
}

/** Registers `name` (made unique per run) through the SDK's two user-interactive steps. */
export async function register(server: StartedServer, name: string): Promise<Account> {
  const anonymous = createClient({ baseUrl: server.baseUrl, fetchFn: globalThis.fetch.bind(globalThis) });
  const username = `${name}${Date.now().toString(36)}`;
  let session: string | undefined;
  try {
    await anonymous.registerRequest({ username, password: PASSWORD });
    throw new Error("registration without auth succeeded");
  } catch (error) {
    if (!(error instanceof MatrixError) || error.httpStatus !== 401) throw error;
    session = error.data["session"] as string;
  }
  const done = await anonymous.registerRequest({ username, password: PASSWORD, auth: { type: "m.login.dummy", session } });
  return { userId: done.user_id, accessToken: done.access_token!, deviceId: done.device_id! };
}

/** Starts the client's /sync loop and resolves once the first sync is PREPARED. */
export async function startSyncing(client: MatrixClient, initialSyncLimit = 20, options: IStartClientOpts = {}): Promise<MatrixClient> {
  const prepared = new Promise<void>((resolve, reject) => {
    const onSync = (state: SyncState, _prev: SyncState | null, data?: { error?: Error }): void => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) {
        client.off(ClientEvent.Sync, onSync);
        resolve();
      } else if (state === SyncState.Error) {
        client.off(ClientEvent.Sync, onSync);
        reject(data?.error ?? new Error("first sync failed"));
      }
    };
    client.on(ClientEvent.Sync, onSync);
  });
  started.add(client);
  await client.startClient({ initialSyncLimit, ...options });
  await withTimeout(prepared, 30_000, "first sync");
  return client;
}

/** Stops every client this file started (for afterAll). */
export function stopAllClients(): void {
  for (const client of started) client.stopClient();
  started.clear();
}

/** Resolves with the first truthy value of `predicate`, checked every 25 ms; fails after `ms`. */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await predicate();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The client's Room once its sync has delivered it. */
export const roomOf = (client: MatrixClient, roomId: string, ms = 15_000): Promise<Room> =>
  waitFor(() => client.getRoom(roomId), ms, `room ${roomId} in ${client.getUserId()}'s sync`);

/** Bodies of the m.room.message events on the room's live timeline, oldest first. */
export const liveBodies = (room: Room): string[] =>
  room
    .getLiveTimeline()
    .getEvents()
    .filter((e) => e.getType() === "m.room.message")
    .map((e) => String(e.getContent()["body"]));

/** A fresh server with alice and bob registered and each syncing with their own client. */
export interface TwoUsers {
  readonly server: StartedServer;
  /** The server's PERSIST_DIR, for the caller to remove. */
  readonly dir: string;
  readonly aliceAccount: Account;
  readonly bobAccount: Account;
  readonly alice: MatrixClient;
  readonly bob: MatrixClient;
}

export async function startWithTwoUsers(dirPrefix: string): Promise<TwoUsers> {
  const dir = mkdtempSync(path.join(tmpdir(), dirPrefix));
  // INSPECTOR=off (an `npm start` setting): no devtools relay slowing every D1 call, and no reload
  // when someone edits src/ mid-run (wrangler restarts the worker and in-flight requests get 503).
  const server = await startServer({ PERSIST_DIR: dir, REGISTRATION: "open", INSPECTOR: "off" });
  const aliceAccount = await register(server, "alice");
  const bobAccount = await register(server, "bob");
  const alice = await startSyncing(clientFor(server, aliceAccount));
  const bob = await startSyncing(clientFor(server, bobAccount));
  return { server, dir, aliceAccount, bobAccount, alice, bob };
}
