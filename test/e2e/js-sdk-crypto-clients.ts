// matrix-js-sdk clients with the Rust crypto stack for the end-to-end encryption scenario, a log of the
// crypto-relevant HTTP traffic (what the client asked and what the server answered) for failure reports, and a
// per-client network switch to take a device offline without stopping its crypto.
import { createClient, type MatrixClient, type MatrixEvent } from "matrix-js-sdk";
import type { CryptoCallbacks } from "matrix-js-sdk/lib/crypto-api/index.js";
import { type Logger, logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { LoggerLevel, Tracing } from "@matrix-org/matrix-sdk-crypto-wasm";
import { appendFileSync, writeFileSync } from "node:fs";
import { type Account, PASSWORD, waitFor } from "./js-sdk-clients";
import type { StartedServer } from "./started-server";

/** Paths whose traffic the log keeps in full (members: whom a client encrypts for); /sync keeps only its crypto fields. */
const CRYPTO_PATH = /\/(keys\/|room_keys\/|sendToDevice\/|dehydrated_device|login|devices|members)/;
const SYNC_CRYPTO_FIELDS = ["to_device", "device_lists", "device_one_time_keys_count", "device_unused_fallback_key_types"] as const;
const MAX_BODY = 20_000;

export interface LoggedExchange {
  /** When the answer came. */
  readonly at: string;
  /** When the request went out. */
  readonly sentAt: string;
  readonly who: string;
  readonly method: string;
  readonly path: string;
  /** The whole request body (the file gets it clipped). */
  readonly request?: string;
  readonly status: number;
  readonly response: string;
}

/** Crypto-relevant requests and answers of every client, appended to one file as they happen. */
export class HttpLog {
  readonly exchanges: LoggedExchange[] = [];
  /** Clients whose network is down: their requests, and answers already on the way, wait for `comeBack`. */
  private readonly away = new Map<string, { readonly back: Promise<void>; readonly release: () => void }>();

  constructor(readonly file: string) {
    writeFileSync(file, "");
  }

  /** Cuts `who` off the network, as a phone in a tunnel: nothing it sends or is sent gets through until `comeBack`. */
  goOffline(who: string): void {
    let release = (): void => undefined;
    const back = new Promise<void>((resolve) => (release = resolve));
    this.away.set(who, { back, release });
  }

  comeBack(who: string): void {
    this.away.get(who)?.release();
    this.away.delete(who);
  }

  private async online(who: string): Promise<void> {
    for (let gate = this.away.get(who); gate !== undefined; gate = this.away.get(who)) await gate.back;
  }

  /** A fetch for the client named `who` that records crypto routes and the crypto parts of /sync. */
  fetchFor(who: string): typeof globalThis.fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? (input instanceof Request ? input.method : "GET");
      await this.online(who);
      const sentAt = new Date().toISOString();
      const response = await globalThis.fetch(input, init);
      await this.online(who);
      const isSync = url.pathname.endsWith("/sync");
      if (!isSync && !CRYPTO_PATH.test(url.pathname)) return response;
      const text = await response.clone().text();
      let shown = text;
      if (isSync) {
        if (!response.ok) shown = text;
        else {
          const body = parse(text);
          const picked: Record<string, unknown> = { next_batch: body?.["next_batch"] };
          for (const field of SYNC_CRYPTO_FIELDS) if (body?.[field] !== undefined) picked[field] = body[field];
          shown = JSON.stringify(picked);
        }
        // A quiet sync (nothing crypto in it) is noise.
        if (response.ok && !/to_device"|device_lists"/.test(shown) && !/"device_one_time_keys_count"/.test(shown)) return response;
      }
      const params = url.searchParams;
      params.delete("access_token");
      const exchange: LoggedExchange = {
        at: new Date().toISOString(),
        sentAt,
        who,
        method,
        path: `${url.pathname}${params.size > 0 ? `?${params.toString()}` : ""}`,
        ...(typeof init?.body === "string" ? { request: redactPassword(init.body) } : {}),
        status: response.status,
        response: clip(shown),
      };
      this.exchanges.push(exchange);
      appendFileSync(
        this.file,
        `${exchange.at} ${who} ${method} ${exchange.path} -> ${exchange.status} (sent ${exchange.sentAt.slice(11)})\n` +
          (exchange.request !== undefined ? `  request:  ${clip(exchange.request)}\n` : "") +
          `  response: ${exchange.response}\n`,
      );
      return response;
    };
  }

  /** Whether a /sync answer to `who` (from `since` on) listed `userId` in device_lists.`list`. */
  syncListed(who: string, list: "changed" | "left", userId: string, since = 0): boolean {
    return this.exchanges.slice(since).some((e) => {
      if (e.who !== who || !e.path.includes("/sync") || e.status !== 200) return false;
      const lists = parse(e.response)?.["device_lists"] as Record<string, unknown> | undefined;
      const users = lists?.[list];
      return Array.isArray(users) && users.includes(userId);
    });
  }

  /**
   * Answers with a status >= 400 on crypto routes, one line each, for assertion messages; leaves out the
   * "none yet" answers clients expect (no key backup, no dehydrated device).
   */
  failures(): string[] {
    const expected = (e: LoggedExchange): boolean =>
      e.method === "GET" && e.status === 404 && /\/(room_keys\/version|dehydrated_device)$/.test(e.path) && e.response.includes("M_NOT_FOUND");
    return this.exchanges
      .filter((e) => e.status >= 400 && !expected(e))
      .map((e) => `${e.who} ${e.method} ${e.path} -> ${e.status} ${e.response.slice(0, 300)}`);
  }
}

const clip = (text: string): string => (text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}…(${text.length} chars)` : text);
const redactPassword = (text: string): string => text.replace(/"password":"[^"]*"/g, '"password":"…"');

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// The SDK's module-level child loggers (a room's encryptor, for one) set themselves to debug level and take their
// parent's method factory: a factory that drops debug and info keeps them to warnings and errors.
type LogMethod = (...msg: unknown[]) => void;
type MethodFactory = (methodName: string, level: number, loggerName: string | symbol) => LogMethod;
const sdkRoot = sdkLogger as unknown as { methodFactory: MethodFactory; rebuild?: () => void };
const loud = sdkRoot.methodFactory;
sdkRoot.methodFactory = (methodName, level, loggerName) =>
  ["trace", "debug", "info", "log"].includes(methodName) ? () => undefined : loud(methodName, level, loggerName);
sdkRoot.rebuild?.();

/**
 * The clients' logger: warnings and errors only. The SDK's own child loggers (one per room encryptor, and so on)
 * log at debug level whatever the root logger's level; a client given this one keeps them quiet.
 */
const quietLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (...msg: unknown[]) => console.warn(...msg),
  error: (...msg: unknown[]) => console.error(...msg),
  getChild: () => quietLogger,
};

/** A client for `account` with the Rust crypto stack initialised in memory; it has not synced yet. */
export async function cryptoClientFor(
  server: StartedServer,
  account: Account,
  log: HttpLog,
  who: string,
  cryptoCallbacks: CryptoCallbacks = {},
): Promise<MatrixClient> {
  const client = createClient({
    baseUrl: server.baseUrl,
    userId: account.userId,
    accessToken: account.accessToken,
    deviceId: account.deviceId,
    fetchFn: log.fetchFor(who),
    cryptoCallbacks,
    logger: quietLogger,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  // initRustCrypto turns the Rust crate's tracing on at debug level, to stdout; E2E_CRYPTO_TRACE=1 keeps it. Its
  // warnings are mostly the expected "no room key" of devices reading history from before they logged in.
  if (process.env["E2E_CRYPTO_TRACE"] !== "1") new Tracing(LoggerLevel.Error).turnOn();
  return client;
}

/**
 * What a user knows of their secret-storage (recovery) keys, as an app asks for them: the callbacks store a
 * new key when the client creates one and hand it back when the client needs it to read or write a secret.
 */
export class Keyring {
  private readonly keys = new Map<string, Uint8Array>();

  /** The key the user would type in when a new device asks for their recovery key. */
  typeIn(privateKey: Uint8Array): CryptoCallbacks {
    return { getSecretStorageKey: async ({ keys }) => [Object.keys(keys)[0]!, privateKey] };
  }

  readonly callbacks: CryptoCallbacks = {
    getSecretStorageKey: async ({ keys }) => {
      const id = Object.keys(keys).find((k) => this.keys.has(k));
      return id === undefined ? null : [id, this.keys.get(id)!];
    },
    cacheSecretStorageKey: (keyId, _info, key) => {
      this.keys.set(keyId, key);
    },
  };
}

/** Logs `account`'s user in again with the password: a new device with its own access token. */
export async function loginNewDevice(server: StartedServer, account: Account, log: HttpLog, who: string): Promise<Account> {
  const anonymous = createClient({ baseUrl: server.baseUrl, fetchFn: log.fetchFor(who) });
  const done = await anonymous.loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: account.userId },
    password: PASSWORD,
    initial_device_display_name: who,
  });
  return { userId: done.user_id, accessToken: done.access_token, deviceId: done.device_id };
}

/**
 * The event `eventId` on `client`'s timeline of the room, once it is there and decrypted. A room key may come in a
 * later sync than the event (the SDK then retries), so a first failure is not final; one still failing after `ms`
 * fails with the SDK's reason.
 */
export async function decryptedEvent(client: MatrixClient, roomId: string, eventId: string, ms: number): Promise<MatrixEvent> {
  const who = `${client.getUserId()}/${client.getDeviceId()}`;
  const event = await waitFor(() => client.getRoom(roomId)?.findEventById(eventId), ms, `event ${eventId} in ${who}'s timeline`);
  const decrypted = (): boolean => !event.isBeingDecrypted() && !event.isDecryptionFailure() && event.getClearContent() !== null;
  await waitFor(decrypted, ms, `${who} to decrypt ${eventId}`).catch((error: unknown) => {
    throw new Error(`${String(error)}: ${describeDecryption(event)}`);
  });
  return event;
}

/** A one-line account of an event's encryption state, for assertion messages. */
export const describeDecryption = (event: MatrixEvent): string =>
  `type=${event.getType()} wireType=${event.getWireType()} encrypted=${event.isEncrypted()} failure=${event.isDecryptionFailure()}` +
  ` reason=${String(event.decryptionFailureReason)} content=${JSON.stringify(event.getContent()).slice(0, 200)}`;
