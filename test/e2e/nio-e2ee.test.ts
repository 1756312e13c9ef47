// End-to-end encryption through matrix-nio (python-olm) on a real `npm start`: two nio users exchange megolm messages
// (keys uploaded, queried and claimed, room keys as olm to-device), one-time key counts drop and come back, and a nio
// user and a matrix-js-sdk (Rust crypto) user each decrypt the other. Crypto HTTP traffic of both libraries goes to log
// files named in failure messages.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MsgType, Preset } from "matrix-js-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, register, roomOf, startSyncing, stopAllClients, waitFor } from "./js-sdk-clients";
import { cryptoClientFor, decryptedEvent, HttpLog } from "./js-sdk-crypto-clients";
import { killAll, startServer, type StartedServer } from "./started-server";
import { registerOverHttp } from "./register-over-http";

/** Debian's python3-matrix-nio and python3-olm install for the system interpreter, not for any pyenv one on PATH. */
const PYTHON = "/usr/bin/python3";
const SCRIPT = path.join(import.meta.dirname, "nio", "e2ee_flow.py");
const WAIT = 20_000;

const probe = spawnSync(PYTHON, ["-c", "import nio, olm; from nio.crypto import ENCRYPTION_ENABLED; assert ENCRYPTION_ENABLED"], {
  encoding: "utf8",
});
const nioMissing = probe.error !== undefined || probe.status !== 0;
if (nioMissing) {
  console.warn(
    `SKIPPED nio e2ee: ${PYTHON} cannot import nio with olm (install python3-matrix-nio and python3-olm). ` +
      `${probe.error?.message ?? probe.stderr.trim().split("\n").at(-1) ?? ""}`,
  );
}

/** A running e2ee_flow.py: its output so far, a wait for a line, and its exit. */
interface Flow {
  readonly child: ChildProcess;
  output(): string;
  /** The first stdout line matching `pattern` (now or later); fails if the script exits or `ms` pass first. */
  line(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<number>;
}

function runFlow(args: string[]): Flow {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let done = false;
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) =>
    child.once("exit", (code) => {
      done = true;
      resolve(code ?? 1);
    }),
  );
  const output = (): string => `--- stdout\n${stdout}\n--- stderr\n${stderr.slice(-4000)}`;
  return {
    child,
    output,
    exited,
    line: (pattern, ms) =>
      waitFor(
        () => {
          const found = stdout.split("\n").map((l) => l.match(pattern)).find((m) => m !== null);
          if (found !== undefined) return found;
          if (done) throw new Error(`nio script exited before printing ${String(pattern)}\n${output()}`);
          return undefined;
        },
        ms,
        `nio to print ${String(pattern)}\n${output()}`,
      ),
  };
}

const flows: Flow[] = [];
let server: StartedServer;
let dir: string;
let jsLog: HttpLog;
const nioLog = (): string => path.join(dir, "nio-http.log");

/** The last lines of the nio HTTP log, for failure messages. */
function nioLogTail(): string {
  try {
    return readFileSync(nioLog(), "utf8").split("\n").slice(-60).join("\n");
  } catch {
    return "(no nio HTTP log)";
  }
}

const registerUser = (name: string): Promise<string> => registerOverHttp(server.baseUrl, name, PASSWORD);

/** The signed_curve25519 count in a logged /sync or /keys/upload answer. */
function signedCount(response: string, field: "device_one_time_keys_count" | "one_time_key_counts"): number | undefined {
  try {
    const counts = (JSON.parse(response) as Record<string, Record<string, number> | undefined>)[field];
    return counts === undefined ? undefined : (counts["signed_curve25519"] ?? 0);
  } catch {
    return undefined;
  }
}

/** Whether `who`'s /sync once counted one key fewer than her last upload and a later /keys/upload restored the count. */
function oneTimeKeysToppedUp(log: HttpLog, who: string): boolean {
  const mine = log.exchanges.filter((e) => e.who === who && e.status === 200);
  let uploaded: number | undefined;
  let dropped = false;
  for (const e of mine) {
    if (e.path.includes("/keys/upload")) {
      const count = signedCount(e.response, "one_time_key_counts");
      if (dropped && count === uploaded) return true;
      if (count !== undefined && count > 0) uploaded = count;
    } else if (e.path.includes("/sync") && uploaded !== undefined) {
      if (signedCount(e.response, "device_one_time_keys_count") === uploaded - 1) dropped = true;
    }
  }
  return false;
}

let anyFailed = false;
afterEach((context) => {
  if (context.task.result?.state === "fail") anyFailed = true;
});

describe.skipIf(nioMissing)("matrix-nio end-to-end encryption", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "matrix-e2e-nio-e2ee-"));
    jsLog = new HttpLog(path.join(dir, "js-sdk-http.log"));
    // INSPECTOR=off: see startWithTwoUsers in js-sdk-clients.ts.
    server = await startServer({ PERSIST_DIR: dir, REGISTRATION: "open", RATE_LIMIT: "off", INSPECTOR: "off" });
  }, 120_000);

  afterAll(async () => {
    for (const flow of flows) if (flow.child.exitCode === null) flow.child.kill("SIGKILL");
    stopAllClients();
    await killAll();
    // Keep the HTTP logs of a failed run for the report; a clean run leaves nothing behind.
    if (anyFailed || process.env["E2E_CRYPTO_KEEP_LOG"] === "1") console.warn(`nio e2ee HTTP logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it("two nio users: megolm both ways, room keys by olm to-device, one-time key counts drop after a claim and come back, a second device comes and goes, emoji verification, a key request, a deleted device, bob leaves, concurrent claims", async () => {
    const alice = await registerUser("alice");
    const bob = await registerUser("bob");
    const flow = runFlow(["pair", server.baseUrl, nioLog(), alice, PASSWORD, bob, PASSWORD]);
    flows.push(flow);
    const code = await flow.exited;
    const report = `exit ${code}\n${flow.output()}\n--- nio HTTP log (${nioLog()}), last lines\n${nioLogTail()}`;
    expect(code, report).toBe(0);
    for (const step of [
      "ok alice uploads device and one-time keys",
      "ok bob joins the encrypted room",
      "ok alice's nio knows bob's device from /keys/query",
      "ok bob decrypts alice's message",
      "ok bob's /sync count drops to",
      "ok bob's nio re-uploads and the count is back at",
      "ok alice decrypts bob's reply",
      "ok bob decrypts alice's second message",
      "ok alice's nio learns bob's new device (device_lists.changed, /keys/query)",
      "ok bob's phone goes offline",
      "ok bob's first device decrypts it",
      "ok bob's phone, back online, gets the room key sent while it was offline and decrypts",
      "ok alice's nio drops bob's signed-out device",
      "ok alice's new room key goes to bob's first device only",
      "ok bob's first device decrypts the message sent after",
      "ok both see the same emoji",
      "ok alice's nio marks bob's device verified (MAC)",
      "ok bob's nio marks alice's device verified (MAC)",
      "ok alice sends without ignore_unverified_devices",
      "ok bob decrypts the message sent to his verified device",
      "ok bob's first device forwards the room key to the tablet",
      "ok the tablet decrypts alice's earlier message with the forwarded key",
      "ok bob deletes the tablet with his password",
      "ok alice's nio drops bob's deleted tablet (device_lists.changed, /keys/query)",
      "ok alice's /sync lists bob in device_lists.left",
      "ok alice's room key after bob left goes to none of his devices",
      "ok five concurrent claims get five different one-time keys",
      "NIO E2EE PAIR OK",
    ])
      expect(flow.output(), report).toContain(step);
  }, 60_000);

  it("a nio user and a matrix-js-sdk (Rust crypto) user each decrypt the other's message, the nio user's new device gets the room key from the js-sdk client, and an invited nio user reads what was sent before it joined", async () => {
    const nioUser = await registerUser("nio");
    const carolAccount = await register(server, "carol");
    const carol = await startSyncing(await cryptoClientFor(server, carolAccount, jsLog, "carol"));
    const fromNio = "hello js-sdk, from nio";
    const fromJs = "hello nio, from js-sdk";
    const fromJs2 = "hello to both of your nio devices";
    const fromJs3 = "sent while you were only invited";
    const flow = runFlow(["cross", server.baseUrl, nioLog(), nioUser, PASSWORD, carolAccount.userId, fromNio, fromJs, fromJs2, fromJs3]);
    flows.push(flow);
    const report = (): string =>
      `${flow.output()}\n--- nio HTTP log (${nioLog()}), last lines\n${nioLogTail()}\n--- js-sdk crypto log: ${jsLog.file}` +
      `\nfailed js-sdk crypto requests:\n  ${jsLog.failures().slice(-10).join("\n  ")}`;
    try {
      const [, roomId] = await flow.line(/^ROOM (\S+)$/, WAIT);
      await roomOf(carol, roomId!, WAIT);
      await carol.joinRoom(roomId!);
      const [, eventId] = await flow.line(/^SENT (\S+)$/, WAIT);
      const event = await decryptedEvent(carol, roomId!, eventId!, WAIT);
      expect(event.getSender()).toBe(nioUser);
      expect(event.getContent()["body"]).toBe(fromNio);
      expect(event.getWireType()).toBe("m.room.encrypted");
      // nio claimed one of carol's one-time keys: her /sync counts one fewer and her Rust crypto uploads a replacement.
      await waitFor(() => oneTimeKeysToppedUp(jsLog, "carol"), WAIT, "carol's count to drop in /sync and her /keys/upload to restore it");
      const sent = await carol.sendMessage(roomId!, { msgtype: MsgType.Text, body: fromJs });
      const mine = await decryptedEvent(carol, roomId!, sent.event_id, WAIT);
      expect(mine.getWireType()).toBe("m.room.encrypted");
      // The nio user signs in on a second device; carol's client learns it from device_lists.changed before she sends again.
      const [, phoneId] = await flow.line(/^DEVICE (\S+)$/, WAIT);
      await waitFor(
        async () => (await carol.getCrypto()!.getUserDeviceInfo([nioUser])).get(nioUser)?.has(phoneId!),
        WAIT,
        `carol's client to know the nio user's new device ${phoneId}`,
      );
      await carol.sendMessage(roomId!, { msgtype: MsgType.Text, body: fromJs2 });
      // Carol's own encrypted room: she invites the nio user and sends before it joins.
      await flow.line(/^INVITE ME$/, WAIT);
      const { room_id: carolsRoom } = await carol.createRoom({
        name: "js-sdk and nio",
        preset: Preset.PrivateChat,
        invite: [nioUser],
        initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
      });
      await roomOf(carol, carolsRoom, WAIT);
      await waitFor(() => carol.getCrypto()!.isEncryptionEnabledInRoom(carolsRoom), WAIT, "carol's client to know her room is encrypted");
      const whileInvited = await carol.sendMessage(carolsRoom, { msgtype: MsgType.Text, body: fromJs3 });
      expect((await decryptedEvent(carol, carolsRoom, whileInvited.event_id, WAIT)).getWireType()).toBe("m.room.encrypted");
      flow.child.stdin?.end("SENT WHILE INVITED\n");
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${report()}`, { cause: error });
    }
    const code = await flow.exited;
    expect(code, `exit ${code}\n${report()}`).toBe(0);
    for (const step of [
      "ok nio decrypts the js-sdk user's message",
      "ok the nio user's second device decrypts the js-sdk user's next message",
      "ok the first nio device decrypts it too",
      "ok the second nio device's /sync count drops to",
      "ok the second nio device's nio re-uploads and the count is back at",
      "ok nio joins the js-sdk user's encrypted room",
      "ok nio decrypts the message sent while it was only invited",
    ])
      expect(flow.output(), report()).toContain(step);
    expect(flow.output(), report()).toContain("NIO E2EE CROSS OK");
  }, 60_000);
});
