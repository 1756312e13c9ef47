// End-to-end encryption through matrix-js-sdk 37 and its Rust crypto stack on a real `npm start`, as users do it:
// device keys, encrypted rooms (both ways, invites, lazy members, edits, threads), more devices and signing them
// out, device-list changes, cross-signing and its reset, emoji verification (to-device and in-room), secret
// storage, key backup, fallback keys, dehydrated devices, to-device pagination, deactivation and a server restart.
// Each `it` builds on the ones before. The crypto routes' traffic goes to a log file named in failures.
import { rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ClientEvent, Direction, type MatrixClient, MatrixError, type MatrixEvent, MsgType, Preset, RelationType, SyncState, THREAD_RELATION_TYPE } from "matrix-js-sdk";
import {
  CryptoEvent,
  type GeneratedSecretStorageKey,
  type KeyBackupInfo,
  type ShowSasCallbacks,
  type VerificationRequest,
  VerificationPhase,
  type Verifier,
  VerifierEvent,
} from "matrix-js-sdk/lib/crypto-api/index.js";
import type { AuthDict } from "matrix-js-sdk/lib/interactive-auth.js";
import type { RoomMessageEventContent } from "matrix-js-sdk/lib/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Account, PASSWORD, register, roomOf, startSyncing, stopAllClients, waitFor, withTimeout } from "./js-sdk-clients";
import { cryptoClientFor, decryptedEvent, HttpLog, Keyring, loginNewDevice } from "./js-sdk-crypto-clients";
import { killAll, startServer, type StartedServer } from "./started-server";

const MEGOLM = "m.megolm.v1.aes-sha2";
const WAIT = 20_000;

/** createRoom options for an encrypted (megolm) room inviting `invitee`: a named private room, or a direct chat. */
const encryptedRoom = (invitee: Account, shape: { readonly name: string } | "direct") => ({
  ...(shape === "direct" ? { preset: Preset.TrustedPrivateChat, is_direct: true } : { name: shape.name, preset: Preset.PrivateChat }),
  invite: [invitee.userId],
  initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } }],
});

let server: StartedServer;
let dir: string;
let log: HttpLog;
let aliceAccount: Account;
let bobAccount: Account;
let alice: MatrixClient;
let bob: MatrixClient;
/** Bob's recovery keys as his laptop knows them. */
const bobKeyring = new Keyring();
/** The recovery key bob writes down when he sets up secret storage (the secret storage test). */
let bobRecoveryKey: GeneratedSecretStorageKey | undefined;
/** The encrypted room alice creates and bob joins; every `it` after the first uses it. */
let roomId = "";

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "matrix-e2e-js-sdk-crypto-"));
  log = new HttpLog(path.join(dir, "crypto-http.log"));
  // INSPECTOR=off: see startWithTwoUsers in js-sdk-clients.ts.
  server = await startServer({ PERSIST_DIR: dir, REGISTRATION: "open", INSPECTOR: "off" });
  aliceAccount = await register(server, "alice");
  bobAccount = await register(server, "bob");
  alice = await startSyncing(await cryptoClientFor(server, aliceAccount, log, "alice"));
  bob = await startSyncing(await cryptoClientFor(server, bobAccount, log, "bob", bobKeyring.callbacks));
}, 120_000);

let anyFailed = false;
afterEach((context) => {
  if (context.task.result?.state === "fail") anyFailed = true;
});

afterAll(async () => {
  stopAllClients();
  await killAll();
  // Keep the HTTP log of a failed run for the report; a clean run leaves nothing behind.
  // E2E_CRYPTO_KEEP_LOG=1 keeps it after a clean run too.
  if ((anyFailed || process.env["E2E_CRYPTO_KEEP_LOG"] === "1") && log !== undefined) console.warn(`crypto HTTP log kept at ${log.file}`);
  else rmSync(dir, { recursive: true, force: true });
});

/** Adds the crypto routes' failed answers to a failing step's message. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const failures = log.failures();
    throw new Error(
      `${what}: ${error instanceof Error ? error.message : String(error)}` +
        (failures.length > 0 ? `\nfailed crypto requests:\n  ${failures.slice(-10).join("\n  ")}` : "") +
        `\n(full crypto HTTP log: ${log.file})`,
      { cause: error },
    );
  }
}

/** The device ids `viewer` knows for `userId` (from its own key queries). */
async function devicesSeenBy(viewer: MatrixClient, userId: string): Promise<string[]> {
  const map = await viewer.getCrypto()!.getUserDeviceInfo([userId], true);
  return [...(map.get(userId)?.keys() ?? [])].sort();
}

const text = (body: string): RoomMessageEventContent => ({ msgtype: MsgType.Text, body });

/**
 * Waits for `predicate` while alice keeps chatting in the room (a line every 2 s). The SDK sends some requests the
 * Rust crypto queues (a signature upload after a verification, a secret after a key claim) only once its next
 * /sync returns; on a quiet account that is the long-poll's timeout, in a living room it is the next message.
 */
async function whileAliceChats(predicate: () => Promise<boolean | undefined>, what: string): Promise<void> {
  let lastLine = 0;
  await waitFor(
    async () => {
      if (await predicate()) return true;
      if (Date.now() - lastLine > 2_000) {
        lastLine = Date.now();
        await alice.sendMessage(roomId, text("chatting on"));
      }
      return false;
    },
    WAIT,
    what,
  );
}

/** A claimed key as /keys/claim answers it. */
interface JsonKey {
  readonly key: string;
  readonly fallback?: boolean;
}

/** The emoji a SAS verifier shows, confirmed as a user does who sees they match the other screen. */
const showAndConfirm = (verifier: Verifier): Promise<string[]> =>
  new Promise((resolve) => {
    const confirm = (sas: ShowSasCallbacks): void => {
      resolve((sas.sas.emoji ?? []).map(([emoji]) => emoji));
      void sas.confirm();
    };
    const already = verifier.getShowSasCallbacks();
    if (already !== null) confirm(already);
    else verifier.once(VerifierEvent.ShowSas, confirm);
  });

describe("matrix-js-sdk end-to-end encryption", () => {
  it("each client's crypto starts and uploads its device keys, which the server then answers in /keys/query", async () => {
    for (const [client, account] of [
      [alice, aliceAccount],
      [bob, bobAccount],
    ] as const) {
      const own = await client.getCrypto()!.getOwnDeviceKeys();
      expect(own.ed25519).toMatch(/^[A-Za-z0-9+/]{43}$/);
      expect(own.curve25519).toMatch(/^[A-Za-z0-9+/]{43}$/);
      await step(`${account.userId}'s own device keys on the server`, () =>
        waitFor(
          async () => {
            const answer = await client.downloadKeysForUsers([account.userId]);
            const device = answer.device_keys?.[account.userId]?.[account.deviceId];
            return device?.keys[`ed25519:${account.deviceId}`] === own.ed25519 && device.keys[`curve25519:${account.deviceId}`] === own.curve25519;
          },
          WAIT,
          "the uploaded device keys in /keys/query",
        ),
      );
    }
  });

  it("alice creates an encrypted room and bob joins; each client then knows the other's device", async () => {
    ({ room_id: roomId } = await alice.createRoom(encryptedRoom(bobAccount, { name: "Secrets" })));
    await roomOf(bob, roomId, WAIT);
    await bob.joinRoom(roomId);
    await waitFor(() => roomOf(alice, roomId).then((r) => r.getMember(bobAccount.userId)?.membership === "join"), WAIT, "alice to see bob joined");
    await step("alice's client to see bob's device", () =>
      waitFor(async () => (await devicesSeenBy(alice, bobAccount.userId)).includes(bobAccount.deviceId), WAIT, "bob's device in alice's crypto"),
    );
    await step("bob's client to see alice's device", () =>
      waitFor(async () => (await devicesSeenBy(bob, aliceAccount.userId)).includes(aliceAccount.deviceId), WAIT, "alice's device in bob's crypto"),
    );
    const bobDevice = (await alice.getCrypto()!.getUserDeviceInfo([bobAccount.userId])).get(bobAccount.userId)?.get(bobAccount.deviceId);
    const bobKeys = await bob.getCrypto()!.getOwnDeviceKeys();
    expect(bobDevice?.getIdentityKey()).toBe(bobKeys.curve25519);
    expect(bobDevice?.getFingerprint()).toBe(bobKeys.ed25519);
  });

  it("alice's message in the encrypted room is encrypted on the wire and bob's client decrypts it; bob's reply decrypts for alice", async () => {
    expect(roomId, "the encrypted room of the test before").not.toBe("");
    for (const client of [alice, bob]) {
      await step(`${client.getUserId()}'s crypto to know the room is encrypted`, () =>
        waitFor(() => client.getCrypto()!.isEncryptionEnabledInRoom(roomId), WAIT, "m.room.encryption in the crypto's room settings"),
      );
    }
    const { event_id: helloId } = await step("alice sends an encrypted message", () => alice.sendMessage(roomId, text("the eagle lands at noon")));
    const atBob = await step("bob decrypts alice's message", () => decryptedEvent(bob, roomId, helloId, WAIT));
    // What the server served bob's sync is ciphertext.
    expect(atBob.getWireContent()["algorithm"]).toBe(MEGOLM);
    expect(JSON.stringify(atBob.getWireContent())).not.toContain("eagle");
    expect(atBob.getType()).toBe("m.room.message");
    expect(atBob.getClearContent()?.["body"]).toBe("the eagle lands at noon");
    expect(atBob.getSender()).toBe(aliceAccount.userId);
    expect(atBob.isDecryptionFailure()).toBe(false);
    expect(atBob.getWireType()).toBe("m.room.encrypted");

    const { event_id: replyId } = await step("bob replies", () => bob.sendMessage(roomId, text("copy that")));
    const atAlice = await step("alice decrypts bob's reply", () => decryptedEvent(alice, roomId, replyId, WAIT));
    expect(atAlice.getClearContent()?.["body"]).toBe("copy that");
    expect(atAlice.getSender()).toBe(bobAccount.userId);
    // Alice's crypto has encryption info for it (the sending device is one it knows).
    expect(await alice.getCrypto()!.getEncryptionInfoForEvent(atAlice)).not.toBeNull();
  });

  it("bob logs in on a second device; alice's client learns it and the new device decrypts what alice sends next", async () => {
    expect(roomId, "the encrypted room of the tests before").not.toBe("");
    const phoneAccount = await step("bob logs in again", () => loginNewDevice(server, bobAccount, log, "bob-phone"));
    expect(phoneAccount.deviceId).not.toBe(bobAccount.deviceId);
    const phone = await startSyncing(await cryptoClientFor(server, phoneAccount, log, "bob-phone"));
    await step("the phone's device keys to reach the server", () =>
      waitFor(async () => (await devicesSeenBy(phone, bobAccount.userId)).includes(phoneAccount.deviceId), WAIT, "the phone's own device in /keys/query"),
    );
    // Alice's client hears of bob's new device through device_lists.changed in her sync and re-queries bob.
    await step("alice's client to learn bob's new device from her sync", () =>
      waitFor(async () => (await devicesSeenBy(alice, bobAccount.userId)).includes(phoneAccount.deviceId), WAIT, "bob's phone in alice's crypto"),
    );
    await roomOf(phone, roomId, WAIT);

    const { event_id: laterId } = await alice.sendMessage(roomId, text("new device, same secrets"));
    const onPhone = await step("bob's phone decrypts alice's next message", () => decryptedEvent(phone, roomId, laterId, WAIT));
    expect(onPhone.getClearContent()?.["body"]).toBe("new device, same secrets");
    // Bob's first device still reads it too.
    const onLaptop = await step("bob's first device decrypts it too", () => decryptedEvent(bob, roomId, laterId, WAIT));
    expect(onLaptop.getClearContent()?.["body"]).toBe("new device, same secrets");
    // And the phone's reply reaches alice.
    const { event_id: fromPhoneId } = await phone.sendMessage(roomId, text("sent from my phone"));
    const atAlice = await step("alice decrypts the phone's message", () => decryptedEvent(alice, roomId, fromPhoneId, WAIT));
    expect(atAlice.getClearContent()?.["body"]).toBe("sent from my phone");
    // Bob's laptop learns of his own new device (device_lists.changed names the user himself) and shares with it.
    await step("bob's laptop to learn his own new device", () =>
      waitFor(async () => (await devicesSeenBy(bob, bobAccount.userId)).includes(phoneAccount.deviceId), WAIT, "bob's phone in his laptop's crypto"),
    );
    const { event_id: fromLaptopId } = await bob.sendMessage(roomId, text("note to self"));
    const selfNote = await step("bob's phone decrypts what his laptop sent", () => decryptedEvent(phone, roomId, fromLaptopId, WAIT));
    expect(selfNote.getClearContent()?.["body"]).toBe("note to self");

    // Bob signs the phone out: the device and its keys go, and alice's client drops it from bob's devices.
    await phone.logout(true);
    const loggedOutAt = Date.now();
    await step("alice's client to drop bob's signed-out phone", () =>
      waitFor(async () => !(await devicesSeenBy(alice, bobAccount.userId)).includes(phoneAccount.deviceId), WAIT, "bob's phone gone from alice's crypto"),
    );
    console.info(`alice's client dropped bob's phone ${Date.now() - loggedOutAt} ms after the logout`);
    expect(await devicesSeenBy(alice, bobAccount.userId)).toEqual([bobAccount.deviceId]);
  });

  it("alice messages bob in a new encrypted room while he is only invited; once he joins he reads it", async () => {
    const { room_id: dmId } = await alice.createRoom(encryptedRoom(bobAccount, "direct"));
    const aliceDm = await roomOf(alice, dmId, WAIT);
    await waitFor(() => aliceDm.getMember(bobAccount.userId)?.membership === "invite", WAIT, "alice to see bob invited");
    await waitFor(() => alice.getCrypto()!.isEncryptionEnabledInRoom(dmId), WAIT, "the DM encrypted in alice's crypto");
    // History visibility "shared": the room key goes to invited members too.
    const { event_id: firstId } = await step("alice writes before bob joins", () => alice.sendMessage(dmId, text("are you there?")));
    await roomOf(bob, dmId, WAIT);
    await bob.joinRoom(dmId);
    const first = await step("bob decrypts the message sent while he was invited", () => decryptedEvent(bob, dmId, firstId, WAIT));
    expect(first.getClearContent()?.["body"]).toBe("are you there?");
  });

  it("alice opens a lazy-loading client on a new device; it fetches the room's members and bob decrypts what it sends", async () => {
    // Enough lines that bob's own events fall outside the new client's first timeline, so its sync leaves his member event out.
    for (let i = 0; i < 4; i++) await alice.sendMessage(roomId, text(`filler ${i}`));
    const webAccount = await step("alice logs in on the web", () => loginNewDevice(server, aliceAccount, log, "alice-web"));
    const web = await startSyncing(await cryptoClientFor(server, webAccount, log, "alice-web"), 3, { lazyLoadMembers: true });
    await roomOf(web, roomId, WAIT);
    await waitFor(() => web.getCrypto()!.isEncryptionEnabledInRoom(roomId), WAIT, "the room encrypted in the web client's crypto");
    // Before encrypting, the client loads the members it lacks (GET /members?at=<its sync token>&not_membership=leave).
    const { event_id: webId } = await step("the web client sends", () => web.sendMessage(roomId, text("typed on the web")));
    const atBob = await step("bob decrypts the web client's message", () => decryptedEvent(bob, roomId, webId, WAIT));
    expect(atBob.getClearContent()?.["body"]).toBe("typed on the web");
    web.stopClient();
  });

  it("in the encrypted room alice edits a message and bob replies in a thread; relations work on the ciphertext events", async () => {
    const { event_id: originalId } = await alice.sendMessage(roomId, text("see you at 5"));
    const { event_id: editId } = await alice.sendMessage(roomId, {
      msgtype: MsgType.Text,
      body: "* see you at 6",
      "m.new_content": { msgtype: MsgType.Text, body: "see you at 6" },
      "m.relates_to": { rel_type: RelationType.Replace, event_id: originalId },
    });
    const original = await step("bob decrypts the original", () => decryptedEvent(bob, roomId, originalId, WAIT));
    await step("bob's client to apply the encrypted edit", () =>
      waitFor(() => original.replacingEventId() === editId && original.getContent()["body"] === "see you at 6", WAIT, "the edit applied on bob's side"),
    );
    expect(original.getOriginalContent()["body"]).toBe("see you at 5");

    // Thread replies are m.room.encrypted with the m.thread relation left in clear for the server.
    for (const body of ["pizza", "sushi"]) await bob.sendMessage(roomId, originalId, text(body));
    const replies = await step("alice to read the thread through /relations", () =>
      waitFor(
        async () => {
          const { events } = await alice.relations(roomId, originalId, THREAD_RELATION_TYPE.name);
          return events.length === 2 ? events : undefined;
        },
        WAIT,
        "two m.thread relations of the root",
      ),
    );
    // The SDK decrypts what /relations returned as it maps the events.
    await waitFor(() => replies.every((e) => !e.isBeingDecrypted() && !e.isDecryptionFailure() && e.getClearContent() !== null), WAIT, "the replies decrypted");
    expect(replies.map((e) => e.getWireType())).toEqual(["m.room.encrypted", "m.room.encrypted"]);
    expect(replies.map((e) => e.getContent()["body"]).sort()).toEqual(["pizza", "sushi"]);
    const threads = await alice.createThreadListMessagesRequest(roomId, null, 20, Direction.Backward);
    const root = threads.chunk.find((e) => e.event_id === originalId);
    expect(root, "the root in GET /threads").toBeDefined();
    expect((root?.unsigned?.["m.relations"] as Record<string, { count?: number }> | undefined)?.[THREAD_RELATION_TYPE.name]?.count).toBe(2);
  });

  it("alice redacts an encrypted message; bob's client shows it redacted, not as a decryption failure", async () => {
    const { event_id: oopsId } = await alice.sendMessage(roomId, text("wrong chat, sorry"));
    const oops = await step("bob decrypts it first", () => decryptedEvent(bob, roomId, oopsId, WAIT));
    await alice.redactEvent(roomId, oopsId, undefined, { reason: "wrong chat" });
    await step("bob's client to apply the redaction", () => waitFor(() => oops.isRedacted(), WAIT, "the redaction on bob's side"));
    expect(oops.isDecryptionFailure()).toBe(false);
    expect(JSON.stringify(oops.getContent())).not.toContain("wrong chat, sorry");
    // What the server serves now is the redacted ciphertext event: no ciphertext left.
    const served = await waitFor(async () => {
      const event = await bob.fetchRoomEvent(roomId, oopsId);
      return event.unsigned?.redacted_because !== undefined ? event : undefined;
    }, WAIT, "the redacted event from GET /event");
    expect(served.type).toBe("m.room.encrypted");
    expect(served.content).toEqual({});
  });

  it("carol joins an encrypted room of alice's and reads it; when she leaves, alice's sync lists her under device_lists.left", async () => {
    const carolAccount = await register(server, "carol");
    const carol = await startSyncing(await cryptoClientFor(server, carolAccount, log, "carol"));
    const { room_id: clubId } = await alice.createRoom(encryptedRoom(carolAccount, { name: "Club" }));
    await roomOf(carol, clubId, WAIT);
    const beforeJoin = log.exchanges.length;
    await carol.joinRoom(clubId);
    // Spec: device_lists.changed names users who now share an encrypted room with the client.
    await step("alice's sync to list carol as changed once she joins", () =>
      waitFor(() => log.syncListed("alice", "changed", carolAccount.userId, beforeJoin), WAIT, "carol in alice's device_lists.changed"),
    );
    await waitFor(() => roomOf(alice, clubId).then((r) => r.getMember(carolAccount.userId)?.membership === "join"), WAIT, "alice to see carol joined");
    const { event_id: welcomeId } = await alice.sendMessage(clubId, text("welcome, carol"));
    const welcome = await step("carol decrypts alice's welcome", () => decryptedEvent(carol, clubId, welcomeId, WAIT));
    expect(welcome.getClearContent()?.["body"]).toBe("welcome, carol");

    const beforeLeave = log.exchanges.length;
    await carol.leave(clubId);
    // Spec: device_lists.left names users who no longer share any encrypted room with the client.
    await step("alice's sync to list carol under device_lists.left", () =>
      waitFor(() => log.syncListed("alice", "left", carolAccount.userId, beforeLeave), WAIT, "carol in alice's device_lists.left"),
    );
    carol.stopClient();
  });

  it("dave, in an encrypted room with alice, deactivates his account; his devices and keys go and alice's sync says she no longer shares a room with him", async () => {
    const daveAccount = await register(server, "dave");
    const dave = await startSyncing(await cryptoClientFor(server, daveAccount, log, "dave"));
    const { room_id: pubId } = await alice.createRoom(encryptedRoom(daveAccount, { name: "Pub" }));
    await roomOf(dave, pubId, WAIT);
    await dave.joinRoom(pubId);
    await step("alice's client to see dave's device", () =>
      waitFor(async () => (await devicesSeenBy(alice, daveAccount.userId)).includes(daveAccount.deviceId), WAIT, "dave's device in alice's crypto"),
    );
    const beforeDeactivation = log.exchanges.length;
    await step("dave deactivates his account with his password", async () => {
      const session = await dave.deactivateAccount().then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof MatrixError) || error.httpStatus !== 401) throw error;
          return error.data["session"] as string;
        },
      );
      expect(session, "a user-interactive session for the deactivation").toBeDefined();
      await dave.deactivateAccount({ type: "m.login.password", identifier: { type: "m.id.user", user: daveAccount.userId }, password: PASSWORD, session });
    });
    dave.stopClient();
    await step("alice's sync to list dave under device_lists.left", () =>
      waitFor(() => log.syncListed("alice", "left", daveAccount.userId, beforeDeactivation), WAIT, "dave in alice's device_lists.left"),
    );
    const answer = await alice.downloadKeysForUsers([daveAccount.userId]);
    expect(Object.keys(answer.device_keys?.[daveAccount.userId] ?? {})).toEqual([]);
  });

  it("alice's encrypted lines in a one-to-one room count as notifications for bob, though the server cannot read them", async () => {
    const { room_id: dmId } = await alice.createRoom(encryptedRoom(bobAccount, "direct"));
    await roomOf(bob, dmId, WAIT);
    await bob.joinRoom(dmId);
    await waitFor(() => roomOf(alice, dmId).then((r) => r.getMember(bobAccount.userId)?.membership === "join"), WAIT, "alice to see bob joined");
    await alice.sendMessage(dmId, text("ping"));
    const { event_id: againId } = await alice.sendMessage(dmId, text("ping again"));
    await step("bob to receive both", () => decryptedEvent(bob, dmId, againId, WAIT));
    // Spec push rules: .m.rule.encrypted_room_one_to_one notifies for m.room.encrypted in a two-member room.
    const filter = encodeURIComponent(JSON.stringify({ room: { rooms: [dmId], timeline: { limit: 1 } } }));
    const response = await fetch(`${server.baseUrl}/_matrix/client/v3/sync?filter=${filter}`, { headers: { Authorization: `Bearer ${bobAccount.accessToken}` } });
    const sync = (await response.json()) as { rooms?: { join?: Record<string, { unread_notifications?: { notification_count?: number; highlight_count?: number } }> } };
    expect(sync.rooms?.join?.[dmId]?.unread_notifications).toEqual({ notification_count: 2, highlight_count: 0 });
  });

  it("bob bootstraps cross-signing with his password; alice's client sees his cross-signing keys and his signed device", async () => {
    let askedForAuth = false;
    await step("bob bootstraps cross-signing", () =>
      bob.getCrypto()!.bootstrapCrossSigning({
        setupNewCrossSigning: true,
        // As an app does it: try, and on a 401 answer the server's session with the password.
        authUploadDeviceSigningKeys: async (makeRequest) => {
          try {
            await makeRequest(null);
          } catch (error) {
            if (!(error instanceof MatrixError) || error.httpStatus !== 401) throw error;
            askedForAuth = true;
            const auth: AuthDict = {
              type: "m.login.password",
              identifier: { type: "m.id.user", user: bobAccount.userId },
              password: PASSWORD,
              session: error.data["session"] as string,
            };
            await makeRequest(auth);
          }
        },
      }),
    );
    const status = await bob.getCrypto()!.getCrossSigningStatus();
    expect(status.publicKeysOnDevice).toBe(true);
    expect(status.privateKeysCachedLocally).toEqual({ masterKey: true, selfSigningKey: true, userSigningKey: true });
    expect(await bob.getCrypto()!.isCrossSigningReady()).toBe(true);
    const masterKey = await bob.getCrypto()!.getCrossSigningKeyId();

    // Alice learns of the new keys through device_lists.changed and sees them as bob's.
    await step("alice's client to see bob's cross-signing keys", () =>
      waitFor(() => alice.getCrypto()!.userHasCrossSigningKeys(bobAccount.userId, true), WAIT, "bob's cross-signing keys in alice's crypto"),
    );
    const answer = await alice.downloadKeysForUsers([bobAccount.userId]);
    const master = answer.master_keys?.[bobAccount.userId];
    expect(Object.values(master?.keys ?? {})).toContain(masterKey);
    expect(answer.self_signing_keys?.[bobAccount.userId]).toBeDefined();
    // Only bob sees his own user-signing key.
    expect(answer.user_signing_keys?.[bobAccount.userId]).toBeUndefined();
    // bootstrapCrossSigning signs bob's device with his self-signing key (/keys/signatures/upload).
    await step("alice to see bob's device signed by its owner", () =>
      waitFor(
        async () => (await alice.getCrypto()!.getDeviceVerificationStatus(bobAccount.userId, bobAccount.deviceId))?.signedByOwner,
        WAIT,
        "bob's device signed by his self-signing key in alice's view",
      ),
    );
    // The spec lets a server skip user-interactive auth for a user's first cross-signing keys.
    expect(askedForAuth).toBe(false);
  });

  it("bob resets his cross-signing identity: the server asks for his password, and alice's client sees the identity change", async () => {
    const before = await alice.getCrypto()!.getUserVerificationStatus(bobAccount.userId);
    expect(before.needsUserApproval).toBe(false);
    const oldMaster = await bob.getCrypto()!.getCrossSigningKeyId();
    let challenged = 0;
    await step("bob replaces his cross-signing keys", () =>
      bob.getCrypto()!.bootstrapCrossSigning({
        setupNewCrossSigning: true,
        authUploadDeviceSigningKeys: async (makeRequest) => {
          try {
            await makeRequest(null);
          } catch (error) {
            if (!(error instanceof MatrixError) || error.httpStatus !== 401) throw error;
            challenged++;
            expect(error.data["flows"]).toEqual(expect.arrayContaining([{ stages: ["m.login.password"] }]));
            await makeRequest({
              type: "m.login.password",
              identifier: { type: "m.id.user", user: bobAccount.userId },
              password: PASSWORD,
              session: error.data["session"] as string,
            });
          }
        },
      }),
    );
    // Replacing a master key is user-interactive (spec: POST /keys/device_signing/upload).
    expect(challenged).toBe(1);
    const newMaster = await bob.getCrypto()!.getCrossSigningKeyId();
    expect(newMaster).not.toBe(oldMaster);
    await step("alice's client to see bob's new identity", () =>
      waitFor(async () => (await alice.getCrypto()!.getUserVerificationStatus(bobAccount.userId)).needsUserApproval, WAIT, "alice's crypto to flag bob's changed identity"),
    );
    await step("alice to see bob's device signed by his new self-signing key", () =>
      waitFor(
        async () => (await alice.getCrypto()!.getDeviceVerificationStatus(bobAccount.userId, bobAccount.deviceId))?.signedByOwner,
        WAIT,
        "bob's device signed by his new self-signing key in alice's view",
      ),
    );
  });

  it("bob verifies a new tablet from his laptop by comparing emoji; the laptop cross-signs it and alice sees it signed by bob", async () => {
    const tabletAccount = await step("bob logs in on a tablet", () => loginNewDevice(server, bobAccount, log, "bob-tablet"));
    const tablet = await startSyncing(await cryptoClientFor(server, tabletAccount, log, "bob-tablet"));
    await step("the laptop and the tablet to know each other", async () => {
      await waitFor(async () => (await devicesSeenBy(bob, bobAccount.userId)).includes(tabletAccount.deviceId), WAIT, "the tablet in the laptop's crypto");
      await waitFor(async () => (await devicesSeenBy(tablet, bobAccount.userId)).includes(bobAccount.deviceId), WAIT, "the laptop in the tablet's crypto");
    });
    expect((await bob.getCrypto()!.getDeviceVerificationStatus(bobAccount.userId, tabletAccount.deviceId))?.crossSigningVerified).toBe(false);

    // Every step of the exchange is a to-device message through /sendToDevice and the other's /sync.
    const incoming = new Promise<VerificationRequest>((resolve) => tablet.once(CryptoEvent.VerificationRequestReceived, resolve));
    const request = await step("the laptop asks to verify the tablet", () =>
      bob.getCrypto()!.requestDeviceVerification(bobAccount.userId, tabletAccount.deviceId),
    );
    const onTablet = await step("the tablet to receive the request", () => withTimeout(incoming, WAIT, "m.key.verification.request on the tablet"));
    expect(onTablet.otherDeviceId).toBe(bobAccount.deviceId);
    await onTablet.accept();
    await step("the request to be ready on the laptop", () => waitFor(() => request.phase === VerificationPhase.Ready, WAIT, "m.key.verification.ready on the laptop"));
    const laptopVerifier = await request.startVerification("m.sas.v1");
    const tabletVerifier = await step("the tablet to see the SAS start", () => waitFor(() => onTablet.verifier, WAIT, "m.key.verification.start on the tablet"));
    const laptopShown = showAndConfirm(laptopVerifier);
    const tabletShown = showAndConfirm(tabletVerifier);
    // verify() on the tablet accepts the start; each resolves once both sides confirmed and sent done.
    const done = Promise.all([laptopVerifier.verify(), tabletVerifier.verify()]);
    const [laptopEmoji, tabletEmoji] = await step("both sides to show emoji", () =>
      withTimeout(Promise.all([laptopShown, tabletShown]), WAIT, "the SAS on both devices"),
    );
    await step("the verification to complete on both devices", () => withTimeout(done, WAIT, "m.key.verification.done on both"));
    expect(laptopEmoji).toHaveLength(7);
    expect(tabletEmoji).toEqual(laptopEmoji);
    expect(request.phase).toBe(VerificationPhase.Done);

    // The laptop holds the self-signing key: it signs the tablet (/keys/signatures/upload), which alice then sees.
    await step("the laptop to trust the tablet through cross-signing", () =>
      whileAliceChats(
        async () => (await bob.getCrypto()!.getDeviceVerificationStatus(bobAccount.userId, tabletAccount.deviceId))?.crossSigningVerified,
        "the tablet cross-signing verified in the laptop's crypto",
      ),
    );
    await step("alice to see the tablet signed by bob", () =>
      whileAliceChats(
        async () => (await alice.getCrypto()!.getDeviceVerificationStatus(bobAccount.userId, tabletAccount.deviceId))?.signedByOwner,
        "the tablet signed by bob's self-signing key in alice's view",
      ),
    );
    // Once verified, the tablet asks the laptop for the cross-signing secrets (m.secret.request) and gets them
    // back Olm-encrypted (m.secret.send), both as to-device messages, once the laptop has claimed a key of the tablet's.
    await step("the tablet to receive the cross-signing keys from the laptop", () =>
      whileAliceChats(() => tablet.getCrypto()!.isCrossSigningReady(), "cross-signing ready on the tablet"),
    );
    tablet.stopClient();
  });

  it("bob sets up secret storage with a recovery key; on a new desktop he types it in, and the desktop restores cross-signing and trusts itself", async () => {
    const recoveryKey = await bob.getCrypto()!.createRecoveryKeyFromPassphrase();
    bobRecoveryKey = recoveryKey;
    // The cross-signing private keys go into account data, encrypted with the recovery key (spec "Secret storage").
    await step("bob's laptop sets up secret storage", () =>
      bob.getCrypto()!.bootstrapSecretStorage({ createSecretStorageKey: async () => recoveryKey, setupNewSecretStorage: true }),
    );
    expect(await bob.getCrypto()!.isSecretStorageReady()).toBe(true);

    const desktopAccount = await step("bob logs in on a desktop", () => loginNewDevice(server, bobAccount, log, "bob-desktop"));
    const desktop = await startSyncing(await cryptoClientFor(server, desktopAccount, log, "bob-desktop", bobKeyring.typeIn(recoveryKey.privateKey)));
    await step("the desktop to know bob's cross-signing keys", () =>
      waitFor(() => desktop.getCrypto()!.userHasCrossSigningKeys(bobAccount.userId, true), WAIT, "bob's cross-signing keys in the desktop's crypto"),
    );
    expect(await desktop.getCrypto()!.isCrossSigningReady()).toBe(false);
    await step("the desktop restores cross-signing from secret storage", () => desktop.getCrypto()!.bootstrapCrossSigning({}));
    expect((await desktop.getCrypto()!.getCrossSigningStatus()).privateKeysCachedLocally).toEqual({
      masterKey: true,
      selfSigningKey: true,
      userSigningKey: true,
    });
    expect(await desktop.getCrypto()!.isCrossSigningReady()).toBe(true);
    await step("alice to see the desktop signed by bob", () =>
      waitFor(
        async () => (await alice.getCrypto()!.getDeviceVerificationStatus(bobAccount.userId, desktopAccount.deviceId))?.signedByOwner,
        WAIT,
        "the desktop signed by bob's self-signing key in alice's view",
      ),
    );
    desktop.stopClient();
  });

  it("bob backs up his room keys; a device that logs in later restores them with his recovery key and reads an earlier message", async () => {
    expect(bobRecoveryKey, "the recovery key of the secret storage test").toBeDefined();
    const { event_id: earlierId } = await alice.sendMessage(roomId, text("said before the new login"));
    await step("bob's laptop decrypts it", () => decryptedEvent(bob, roomId, earlierId, WAIT));
    // A new backup version, its decryption key stored in secret storage; the laptop then uploads its room keys.
    await step("bob's laptop creates a key backup", () => bob.getCrypto()!.resetKeyBackup());
    const sessions = (await bob.getCrypto()!.exportRoomKeys()).length;
    // The SDK uploads after a random pause of up to 10 s; the count comes from the server each time.
    const serverBackup = async (): Promise<KeyBackupInfo> => {
      const response = await fetch(`${server.baseUrl}/_matrix/client/v3/room_keys/version`, { headers: { Authorization: `Bearer ${bobAccount.accessToken}` } });
      return (await response.json()) as KeyBackupInfo;
    };
    await step("every room key of the laptop to reach the backup", () =>
      waitFor(async () => (await serverBackup()).count === sessions, WAIT, `${sessions} sessions in the server's backup`).catch(async (error: unknown) => {
        throw new Error(`${String(error)}; the server's backup: ${JSON.stringify(await serverBackup())}`);
      }),
    );

    const restoreAccount = await step("bob logs in on a new laptop", () => loginNewDevice(server, bobAccount, log, "bob-new-laptop"));
    const restored = await startSyncing(
      await cryptoClientFor(server, restoreAccount, log, "bob-new-laptop", bobKeyring.typeIn(bobRecoveryKey!.privateKey)),
    );
    await waitFor(() => restored.getCrypto()!.userHasCrossSigningKeys(bobAccount.userId, true), WAIT, "bob's cross-signing keys in the new laptop's crypto");
    // As an app's "verify with your recovery key": cross-signing, then the backup key, from secret storage.
    await step("the new laptop restores cross-signing", () => restored.getCrypto()!.bootstrapCrossSigning({}));
    await step("the new laptop loads the backup key from secret storage", () => restored.getCrypto()!.loadSessionBackupPrivateKeyFromSecretStorage());
    expect((await restored.getCrypto()!.checkKeyBackupAndEnable())?.trustInfo.trusted).toBe(true);
    const result = await step("the new laptop restores the backup", () => restored.getCrypto()!.restoreKeyBackup());
    expect(result.imported).toBe(sessions);
    const earlier = await step("the new laptop decrypts the message from before its login", () => decryptedEvent(restored, roomId, earlierId, WAIT));
    expect(earlier.getClearContent()?.["body"]).toBe("said before the new login");
    restored.stopClient();
  });

  it("alice and bob verify each other by emoji in their encrypted room; each then trusts the other, and alice's signature on bob stays hers", async () => {
    await step("alice sets up cross-signing", () => alice.getCrypto()!.bootstrapCrossSigning({ authUploadDeviceSigningKeys: async (makeRequest) => void (await makeRequest(null)) }));
    await step("bob's client to see alice's cross-signing keys", () =>
      waitFor(() => bob.getCrypto()!.userHasCrossSigningKeys(aliceAccount.userId, true), WAIT, "alice's cross-signing keys in bob's crypto"),
    );
    expect((await alice.getCrypto()!.getUserVerificationStatus(bobAccount.userId)).isCrossSigningVerified()).toBe(false);

    // In-room verification: m.key.verification.* events, encrypted, related to the request by m.reference.
    const incoming = new Promise<VerificationRequest>((resolve) => bob.once(CryptoEvent.VerificationRequestReceived, resolve));
    const request = await step("alice asks bob to verify", () => alice.getCrypto()!.requestVerificationDM(bobAccount.userId, roomId));
    const atBob = await step("bob's client to receive the request", () => withTimeout(incoming, WAIT, "the verification request in bob's room"));
    expect(atBob.roomId).toBe(roomId);
    await atBob.accept();
    await step("the request to be ready on alice's side", () => waitFor(() => request.phase === VerificationPhase.Ready, WAIT, "m.key.verification.ready for alice"));
    const aliceVerifier = await request.startVerification("m.sas.v1");
    const bobVerifier = await step("bob's client to see the SAS start", () => waitFor(() => atBob.verifier, WAIT, "m.key.verification.start for bob"));
    const aliceShown = showAndConfirm(aliceVerifier);
    const bobShown = showAndConfirm(bobVerifier);
    const done = Promise.all([aliceVerifier.verify(), bobVerifier.verify()]);
    const [aliceEmoji, bobEmoji] = await step("both to show emoji", () => withTimeout(Promise.all([aliceShown, bobShown]), WAIT, "the SAS for alice and bob"));
    await step("the verification to complete for both", () => withTimeout(done, WAIT, "m.key.verification.done for both"));
    expect(bobEmoji).toEqual(aliceEmoji);

    // Each signs the other's master key with their user-signing key (/keys/signatures/upload).
    await step("alice to trust bob through cross-signing", () =>
      whileAliceChats(async () => (await alice.getCrypto()!.getUserVerificationStatus(bobAccount.userId)).isCrossSigningVerified(), "bob verified in alice's crypto"),
    );
    await step("bob to trust alice through cross-signing", () =>
      whileAliceChats(async () => (await bob.getCrypto()!.getUserVerificationStatus(aliceAccount.userId)).isCrossSigningVerified(), "alice verified in bob's crypto"),
    );
    // Spec "Cross-signing": a signature by a user-signing key is only visible to the user who made it.
    const signersOfBobsMaster = async (viewer: MatrixClient): Promise<string[]> =>
      Object.keys(
        ((await viewer.downloadKeysForUsers([bobAccount.userId])).master_keys?.[bobAccount.userId] as { signatures?: Record<string, unknown> } | undefined)
          ?.signatures ?? {},
      ).sort();
    expect(await signersOfBobsMaster(alice)).toEqual([aliceAccount.userId, bobAccount.userId].sort());
    expect(await signersOfBobsMaster(bob)).toEqual([bobAccount.userId]);
  });

  it("bob's laptop, offline while its one-time keys ran out, is reached through its fallback key and tops its one-time keys up when back", async () => {
    // Offline, the laptop cannot top its one-time keys up as they are claimed. (Its HTTP is held, not its client
    // stopped: stopClient ends the Rust crypto machine.) Bob's laptop uploaded a fallback key (the last test checks the
    // log for it). Not a freshly logged-in device:
    // matrix-sdk-crypto 0.11 can lose a new device's first fallback key (generated while its first /keys/upload is in
    // flight, then marked published by that upload's answer), and it rotates fallback keys only weekly.
    const uploadsOf = (who: string, field: "one_time_keys" | "fallback_keys", since = 0) =>
      log.exchanges
        .slice(since)
        .filter((e) => e.who === who && e.path.endsWith("/keys/upload") && e.status === 200 && new RegExp(`"${field}":\\{"signed_curve25519:`).test(e.request ?? "")).length;
    expect(uploadsOf("bob", "fallback_keys")).toBeGreaterThan(0);
    log.goOffline("bob");

    // Others claim all of its one-time keys while it is away; each is handed out once, then the fallback key.
    const claim = async (): Promise<[string, JsonKey]> => {
      const response = await fetch(`${server.baseUrl}/_matrix/client/v3/keys/claim`, {
        method: "POST",
        headers: { Authorization: `Bearer ${aliceAccount.accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ one_time_keys: { [bobAccount.userId]: { [bobAccount.deviceId]: "signed_curve25519" } } }),
      });
      const body = (await response.json()) as { one_time_keys: Record<string, Record<string, Record<string, JsonKey>>> };
      const [entry] = Object.entries(body.one_time_keys[bobAccount.userId]?.[bobAccount.deviceId] ?? {});
      if (entry === undefined) throw new Error(`no key claimed: ${JSON.stringify(body)}`);
      return entry;
    };
    const claimed = new Set<string>();
    let fallback: [string, JsonKey] | undefined;
    for (let i = 0; i < 200 && fallback === undefined; i++) {
      const [keyId, key] = await claim();
      if (key.fallback === true) fallback = [keyId, key];
      else {
        expect(claimed.has(keyId), `one-time key ${keyId} handed out twice`).toBe(false);
        claimed.add(keyId);
      }
    }
    expect(fallback, "a fallback key once the one-time keys ran out").toBeDefined();
    expect(claimed.size).toBeGreaterThan(0);
    // The fallback key is handed out again to whoever asks next.
    expect((await claim())[0]).toBe(fallback![0]);

    // Alice writes from a new device of hers: it has no session with the laptop, so it claims and gets the fallback key.
    const alicePhoneAccount = await loginNewDevice(server, aliceAccount, log, "alice-phone");
    const alicePhone = await startSyncing(await cryptoClientFor(server, alicePhoneAccount, log, "alice-phone"));
    await roomOf(alicePhone, roomId, WAIT);
    await waitFor(() => alicePhone.getCrypto()!.isEncryptionEnabledInRoom(roomId), WAIT, "the room encrypted in alice's phone");
    const { event_id: whileAwayId } = await step("alice's phone writes while bob's laptop is away", () =>
      alicePhone.sendMessage(roomId, text("sent while you were away")),
    );

    const beforeReturn = log.exchanges.length;
    log.comeBack("bob");
    const whileAway = await step("the laptop, back, decrypts what was sent while it was away", () => decryptedEvent(bob, roomId, whileAwayId, WAIT));
    expect(whileAway.getClearContent()?.["body"]).toBe("sent while you were away");
    // Its sync reported no one-time keys left (device_one_time_keys_count): it uploads new ones.
    await step("the laptop to top its one-time keys up", () =>
      waitFor(() => uploadsOf("bob", "one_time_keys", beforeReturn) > 0, WAIT, "new one-time keys from the laptop"),
    );
    alicePhone.stopClient();
  });

  it("bob keeps a dehydrated device; with every device of his away, a device he logs in later rehydrates it and reads what alice sent meanwhile", async () => {
    expect(bobRecoveryKey, "the recovery key of the secret storage test").toBeDefined();
    expect(await bob.getCrypto()!.isDehydrationSupported()).toBe(true);
    // A dehydrated device: keys on the server, its private part encrypted with a key kept in secret storage (MSC3814).
    await step("bob's laptop creates a dehydrated device", () => bob.getCrypto()!.startDehydration({ createNewKey: true }));
    const dehydrated = await fetch(`${server.baseUrl}/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device`, {
      headers: { Authorization: `Bearer ${bobAccount.accessToken}` },
    });
    expect(dehydrated.status).toBe(200);
    const { device_id: dehydratedId } = (await dehydrated.json()) as { device_id: string };
    await step("alice's client to learn bob's dehydrated device", () =>
      waitFor(async () => (await devicesSeenBy(alice, bobAccount.userId)).includes(dehydratedId), WAIT, "the dehydrated device in alice's crypto"),
    );

    // Every client of bob's is away (the laptop's network cut, the others stopped): only the dehydrated device gets the key.
    log.goOffline("bob");
    try {
      const { event_id: asleepId } = await step("alice writes while bob's devices are away", () => alice.sendMessage(roomId, text("while you were all asleep")));
      const morningAccount = await step("bob logs in on a new phone", () => loginNewDevice(server, bobAccount, log, "bob-morning"));
      const morning = await startSyncing(await cryptoClientFor(server, morningAccount, log, "bob-morning", bobKeyring.typeIn(bobRecoveryKey!.privateKey)));
      await waitFor(() => morning.getCrypto()!.userHasCrossSigningKeys(bobAccount.userId, true), WAIT, "bob's cross-signing keys in the new phone's crypto");
      await step("the new phone restores cross-signing", () => morning.getCrypto()!.bootstrapCrossSigning({}));
      let roomKeys = 0;
      morning.on(CryptoEvent.RehydrationProgress, (keys: number) => (roomKeys = keys));
      const completed = new Promise<void>((resolve) => morning.once(CryptoEvent.RehydrationCompleted, () => resolve()));
      // Rehydration: the dehydrated device's to-device messages through POST /dehydrated_device/{id}/events.
      await step("the new phone rehydrates the dehydrated device", () => morning.getCrypto()!.startDehydration());
      await withTimeout(completed, WAIT, "the rehydration to complete");
      expect(roomKeys).toBeGreaterThan(0);
      const asleep = await step("the new phone decrypts alice's message with the rehydrated key", () => decryptedEvent(morning, roomId, asleepId, WAIT));
      expect(asleep.getClearContent()?.["body"]).toBe("while you were all asleep");
      morning.stopClient();
    } finally {
      log.comeBack("bob");
    }
  });

  it("bob renames his laptop; alice's client shows the new session name, and /keys/changes between her sync tokens names bob", async () => {
    const before = alice.store.getSyncToken()!;
    await bob.setDeviceDetails(bobAccount.deviceId, { display_name: "Bob's laptop" });
    // The name travels as unsigned.device_display_name in /keys/query; the rename is a device-list change.
    await step("alice's client to show the laptop's new name", () =>
      waitFor(
        async () =>
          (await alice.getCrypto()!.getUserDeviceInfo([bobAccount.userId])).get(bobAccount.userId)?.get(bobAccount.deviceId)?.displayName === "Bob's laptop",
        WAIT,
        "the laptop's new name in alice's crypto",
      ),
    );
    const { changed } = await alice.getKeyChanges(before, alice.store.getSyncToken()!);
    expect(changed).toContain(bobAccount.userId);
  });

  it("120 to-device messages queued for bob's laptop while it is away reach it exactly once and in order, over more than one sync", async () => {
    const received: number[] = [];
    const onToDevice = (event: MatrixEvent): void => {
      if (event.getType() === "org.example.ping") received.push(Number(event.getContent()["n"]));
    };
    bob.on(ClientEvent.ToDeviceEvent, onToDevice);
    log.goOffline("bob");
    try {
      // More than the 100 a sync carries. A client backs off on 429 as the server asks.
      for (let n = 0; n < 120; n++) {
        for (;;) {
          const response = await fetch(`${server.baseUrl}/_matrix/client/v3/sendToDevice/org.example.ping/ping-${n}`, {
            method: "PUT",
            headers: { Authorization: `Bearer ${aliceAccount.accessToken}`, "Content-Type": "application/json" },
            body: JSON.stringify({ messages: { [bobAccount.userId]: { [bobAccount.deviceId]: { n } } } }),
          });
          if (response.status !== 429) {
            expect(response.status).toBe(200);
            break;
          }
          const { retry_after_ms: wait } = (await response.json()) as { retry_after_ms?: number };
          await new Promise((resolve) => setTimeout(resolve, wait ?? 100));
        }
      }
    } finally {
      log.comeBack("bob");
    }
    const expected = Array.from({ length: 120 }, (_, n) => n);
    await step("bob's laptop to receive all 120", () => waitFor(() => received.length >= 120, WAIT, `120 pings (got ${received.length})`));
    expect(received).toEqual(expected);
    // The syncs that carried them: none more than 100.
    bob.off(ClientEvent.ToDeviceEvent, onToDevice);
  });

  it("the server restarts: to-device messages queued before it arrive after it, and the clients, on their old sync tokens, chat encrypted again", async () => {
    const received: number[] = [];
    const onToDevice = (event: MatrixEvent): void => {
      if (event.getType() === "org.example.ping") received.push(Number(event.getContent()["n"]));
    };
    bob.on(ClientEvent.ToDeviceEvent, onToDevice);
    log.goOffline("bob");
    try {
      const queued = await fetch(`${server.baseUrl}/_matrix/client/v3/sendToDevice/org.example.ping/before-restart`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${aliceAccount.accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ messages: { [bobAccount.userId]: { [bobAccount.deviceId]: { n: 1000 } } } }),
      });
      expect(queued.status).toBe(200);
      const port = server.port;
      await server.stop();
      server = await startServer({ PERSIST_DIR: dir, REGISTRATION: "open", INSPECTOR: "off", PORT: String(port) });
    } finally {
      log.comeBack("bob");
    }
    // The clients' syncs failed while it was down; they retry (the SDK pings /versions every 2-7 s) and resume.
    await step("bob's laptop to get the message queued before the restart", () => waitFor(() => received.includes(1000), 30_000, "the queued ping"));
    bob.off(ClientEvent.ToDeviceEvent, onToDevice);
    await waitFor(() => alice.getSyncState() === SyncState.Syncing, 30_000, "alice's client syncing again");
    const { event_id: afterId } = await step("alice writes after the restart", () => alice.sendMessage(roomId, text("back online")));
    const after = await step("bob decrypts it", () => decryptedEvent(bob, roomId, afterId, WAIT));
    expect(after.getClearContent()?.["body"]).toBe("back online");
    const { event_id: replyId } = await bob.sendMessage(roomId, text("welcome back"));
    expect((await step("alice decrypts bob's reply", () => decryptedEvent(alice, roomId, replyId, WAIT))).getClearContent()?.["body"]).toBe("welcome back");
  });

  it("each device kept a fallback key on the server, as /sync's device_unused_fallback_key_types asked", () => {
    // The client uploads a fallback key once a sync reports none unused; the log holds every /keys/upload.
    const uploadedFallback = (who: string) =>
      log.exchanges.some((e) => e.who === who && e.path.endsWith("/keys/upload") && e.status === 200 && /"fallback_keys":\{"signed_curve25519:/.test(e.request ?? ""));
    expect(["alice", "bob"].filter(uploadedFallback)).toEqual(["alice", "bob"]);
  });
});
