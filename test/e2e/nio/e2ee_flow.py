#!/usr/bin/python3
"""End-to-end encryption through matrix-nio (with python-olm) against a running server.

Usage:
  e2ee_flow.py pair HOMESERVER HTTP_LOG ALICE_USER_ID ALICE_PASSWORD BOB_USER_ID BOB_PASSWORD
      Two nio users: keys uploaded, alice's encrypted room, bob invited and joined, a megolm message each
      way (room key shared by olm to-device after /keys/query and /keys/claim), and bob's one-time key
      count dropping by the claimed key and coming back when his nio re-uploads. Then bob's phone: it appears
      in alice's device_lists.changed, is offline when alice shares a new room key, decrypts it after nio
      restores its login and syncs on from the stored token, and signs out (alice drops it). Alice and bob
      verify each other by SAS emoji over to-device; bob's tablet asks his devices for an old room key
      (m.room_key_request to "*"), gets it forwarded and is then deleted with password UIA; bob leaves and
      alice's /sync lists him in device_lists.left. No /sync may deliver a to-device event twice.
  e2ee_flow.py cross HOMESERVER HTTP_LOG NIO_USER_ID NIO_PASSWORD JS_USER_ID NIO_BODY JS_BODY JS_BODY2 JS_BODY3
      One nio user and one matrix-js-sdk user (driven by the test): nio creates an encrypted room and
      invites the js-sdk user, prints "ROOM <room_id>", waits for the join, sends NIO_BODY encrypted and
      prints "SENT <event_id>", then waits for the js-sdk user's encrypted JS_BODY and decrypts it. Then a
      second nio device of the same user logs in and prints "DEVICE <device_id>"; both nio devices decrypt
      the js-sdk user's JS_BODY2, and the new device's one-time key count shows the js-sdk client's claim.
      Last it prints "INVITE ME", waits for the js-sdk user's invite to a second encrypted room and for the line
      "SENT WHILE INVITED" on stdin, joins, and decrypts JS_BODY3 (sent while it was only invited).

Prints one line per step ("ok ...") and "NIO E2EE <MODE> OK" at the end; exits 1 naming the step that failed.
HTTP_LOG receives every crypto request nio made and the server's answer (and the crypto parts of /sync).
"""
import asyncio
import json
import os
import re
import sys
import tempfile
from datetime import datetime, timezone

from nio import (
    AsyncClient,
    AsyncClientConfig,
    DeleteDevicesAuthResponse,
    DeleteDevicesResponse,
    JoinResponse,
    KeysClaimResponse,
    KeysUploadResponse,
    LoginResponse,
    LogoutResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessageText,
    RoomKeyRequestResponse,
    RoomLeaveResponse,
    RoomSendResponse,
    SyncResponse,
    ToDeviceResponse,
)
from nio.api import RoomPreset
from nio.crypto.sas import SasState

STEP_TIMEOUT_S = 20
MEGOLM = "m.megolm.v1.aes-sha2"
CRYPTO_PATH = re.compile(r"/(keys/|room_keys/|sendToDevice/|login|logout|devices|delete_devices|joined_members|members)")
SYNC_CRYPTO_FIELDS = ("to_device", "device_lists", "device_one_time_keys_count", "device_unused_fallback_key_types")
MAX_BODY = 3000


class FlowError(Exception):
    pass


def clip(text):
    return text if len(text) <= MAX_BODY else f"{text[:MAX_BODY]}…({len(text)} chars)"


class LoggedClient(AsyncClient):
    """An AsyncClient that appends its crypto-relevant HTTP exchanges to a log file, for failure reports."""

    log_file = None
    #: ("sync" | "upload", signed_curve25519 count) as the server answered them, oldest first.
    key_counts = None
    #: Every to-device event /sync delivered (as JSON), and any delivered again by a later /sync.
    to_device_seen = None
    to_device_repeated = None
    #: Users any /sync listed in device_lists.left.
    left_seen = None

    async def send(self, method, path, data=None, headers=None, trace_context=None, timeout=None):
        response = await super().send(method, path, data, headers, trace_context, timeout)
        bare = path.split("?")[0]
        is_sync = bare.endswith("/sync")
        if self.log_file is None or not (is_sync or CRYPTO_PATH.search(bare)):
            return response
        text = (await response.read()).decode("utf-8", "replace")  # aiohttp keeps the body for nio's own read
        shown = text
        if is_sync and response.status == 200:
            body = json.loads(text)
            for event in body.get("to_device", {}).get("events", []):
                seen = json.dumps(event, sort_keys=True)
                if seen in self.to_device_seen:
                    self.to_device_repeated.append(f"{path.split('?')[-1]}: {clip(seen)}")
                self.to_device_seen.add(seen)
            picked = {"next_batch": body.get("next_batch")}
            picked.update({k: body[k] for k in SYNC_CRYPTO_FIELDS if k in body and body[k]})
            shown = json.dumps(picked)
        query = re.sub(r"access_token=[^&]*&?", "", path.split("?", 1)[1]) if "?" in path else ""
        request = re.sub(r'"password": ?"[^"]*"', '"password": "…"', data) if isinstance(data, str) else ""
        with open(self.log_file, "a", encoding="utf-8") as log:
            at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
            log.write(f"{at} {self.user_id}/{self.device_id} {method} {bare}{'?' + query if query else ''} -> {response.status}\n")
            if request:
                log.write(f"  request:  {clip(request)}\n")
            log.write(f"  response: {clip(shown)}\n")
        return response


def expect(response, kind, step):
    if not isinstance(response, kind):
        raise FlowError(f"{step}: expected {kind.__name__}, got {type(response).__name__}: {response}")
    print(f"ok {step}", flush=True)
    return response


def make_client(homeserver, user_id, store, log_file):
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    client = LoggedClient(homeserver, user_id, store_path=store, config=config)
    client.log_file = log_file
    client.key_counts = []
    client.to_device_seen = set()
    client.to_device_repeated = []
    client.left_seen = set()
    return client


async def login(client, password, name):
    """Logs in (nio then opens its olm store) and uploads the device keys and one-time keys."""
    expect(await client.login(password, device_name=name), LoginResponse, f"{name} logs in")
    if not client.olm:
        raise FlowError(f"{name}: nio has no olm machine after login (is python3-olm installed?)")
    if not client.should_upload_keys:
        raise FlowError(f"{name}: a new nio device should want to upload its keys")
    uploaded = expect(await client.keys_upload(), KeysUploadResponse, f"{name} uploads device and one-time keys")
    client.key_counts.append(("upload", uploaded.signed_curve25519_count))
    if uploaded.signed_curve25519_count <= 0:
        raise FlowError(f"{name}: /keys/upload answered one_time_key_counts {uploaded}, expected signed_curve25519 > 0")
    return uploaded.signed_curve25519_count


async def sync_once(client, timeout_ms=1000):
    """One round of what nio's sync_forever does: /sync, then to-device sends, key upload, query and claim as nio asks."""
    response = await client.sync(timeout=timeout_ms)
    if not isinstance(response, SyncResponse):
        raise FlowError(f"{client.user_id}: sync failed: {response}")
    client.key_counts.append(("sync", one_time_key_count(response)))
    client.left_seen.update(response.device_list.left)
    if client.to_device_repeated:
        # Spec: the server deletes to-device messages once the client's next /sync (its `since`) acknowledges them.
        raise FlowError(f"{client.user_id}/{client.device_id}: /sync delivered a to-device event again: {client.to_device_repeated}")
    for sent in await client.send_to_device_messages():
        if not type(sent).__name__.endswith("Response"):
            raise FlowError(f"{client.user_id}: to-device send failed: {sent}")
    if client.should_upload_keys:
        uploaded = expect_ok(client, await client.keys_upload(), "keys_upload")
        client.key_counts.append(("upload", uploaded.signed_curve25519_count))
    if client.should_query_keys:
        expect_ok(client, await client.keys_query(), "keys_query")
    if client.should_claim_keys:
        expect_ok(client, await client.keys_claim(client.get_users_for_key_claiming()), "keys_claim")
        if client.olm.received_key_requests:
            # A claim for a key request puts the request back in nio's queue, which nio works through after its
            # next sync, but nio skips a sync whose next_batch equals the last one (nothing new on the server):
            # work through it now, as the next new sync would.
            client.olm.collect_key_requests()
            await client.send_to_device_messages()
    return response


def expect_ok(client, response, what):
    if type(response).__name__.endswith("Error"):
        raise FlowError(f"{client.user_id}: {what} failed: {response}")
    return response


async def sync_until(client, condition, step, timeout_ms=1000):
    """Syncs (long-polling) until `condition()` holds; fails after STEP_TIMEOUT_S."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT_S
    while not condition():
        if loop.time() > deadline:
            raise FlowError(f"{step}: not done within {STEP_TIMEOUT_S}s")
        await sync_once(client, timeout_ms)
    print(f"ok {step}", flush=True)


def joined(client, room_id, user_id):
    room = client.rooms.get(room_id)
    return room is not None and user_id in room.users and room.users[user_id].invited is False


class Inbox:
    """The room messages a client decrypted, and the ones it could not (MegolmEvent), as its callbacks saw them."""

    def __init__(self, client):
        self.texts = []
        self.undecrypted = []
        client.add_event_callback(self.on_text, RoomMessageText)
        client.add_event_callback(self.on_megolm, MegolmEvent)

    async def on_text(self, room, event):
        self.texts.append((room.room_id, event))

    async def on_megolm(self, room, event):
        self.undecrypted.append((room.room_id, event))

    def find(self, room_id, sender, body):
        return next((e for r, e in self.texts if r == room_id and e.sender == sender and e.body == body), None)


async def receive_encrypted(client, inbox, room_id, sender, body, step):
    """Syncs until `client` has decrypted `sender`'s `body`. nio does not retry an event it could not decrypt, so a
    new undecryptable event from `sender` (its room key had not arrived by then) fails the step at once."""
    start = len(inbox.undecrypted)

    def failed():
        return next((e for r, e in inbox.undecrypted[start:] if r == room_id and e.sender == sender), None)

    await sync_until(client, lambda: inbox.find(room_id, sender, body) is not None or failed() is not None, step)
    event = inbox.find(room_id, sender, body)
    if event is None:
        undecrypted = failed()
        raise FlowError(
            f"{step}: the event {undecrypted.event_id} arrived but nio could not decrypt it (session_id={undecrypted.session_id}"
            f" sender_key={undecrypted.sender_key} device={undecrypted.device_id}): no m.room_key for it had reached"
            f" {client.user_id}/{client.device_id} by then"
        )
    if not event.decrypted:
        raise FlowError(f"{step}: {body!r} reached nio as a plaintext event, not decrypted from m.room.encrypted")
    return event


async def create_encrypted_room(client, invitee, name):
    created = expect(
        await client.room_create(
            name=name,
            preset=RoomPreset.private_chat,
            invite=[invitee],
            initial_state=[{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}}],
        ),
        RoomCreateResponse,
        f"{client.user_id} creates an encrypted room and invites {invitee}",
    )
    room_id = created.room_id
    await sync_until(
        client, lambda: room_id in client.rooms and client.rooms[room_id].encrypted, "the creator's sync has the room as encrypted"
    )
    return room_id


async def check_topped_up(client, uploaded, who, claimer):
    """`client`'s key counts (as the server answered) show one key fewer after `claimer`'s claim, then a re-upload
    that restored `uploaded`, and the latest /sync agrees."""
    await sync_once(client, 0)
    history = client.key_counts
    dropped = next((i for i, (_, n) in enumerate(history) if n == uploaded - 1), None)
    if dropped is None or history[dropped][0] != "sync":
        raise FlowError(f"{who}'s one-time key counts never showed {uploaded - 1} in /sync after {claimer}'s claim: {history}")
    print(f"ok {who}'s /sync count drops to {uploaded - 1} after {claimer}'s claim", flush=True)
    upload = next((i for i, (source, _) in enumerate(history) if source == "upload" and i > dropped), None)
    if upload is None or history[upload][1] != uploaded:
        raise FlowError(f"{who}'s nio did not top the one-time keys back up to {uploaded}: {history}")
    if history[-1] != ("sync", uploaded):
        raise FlowError(f"{who}'s latest /sync does not count {uploaded} one-time keys: {history}")
    print(f"ok {who}'s nio re-uploads and the count is back at {uploaded} in /keys/upload and /sync", flush=True)


def one_time_key_count(sync_response):
    return sync_response.device_key_count.signed_curve25519


async def pair(homeserver, log_file, alice_id, alice_password, bob_id, bob_password):
    with tempfile.TemporaryDirectory() as store:
        alice = make_client(homeserver, alice_id, store, log_file)
        bob = make_client(homeserver, bob_id, store, log_file)
        try:
            await login(alice, alice_password, "alice")
            bob_uploaded = await login(bob, bob_password, "bob")
            alice_inbox, bob_inbox = Inbox(alice), Inbox(bob)
            await sync_once(alice, 0)
            first = await sync_once(bob, 0)
            if one_time_key_count(first) != bob_uploaded:
                raise FlowError(f"bob's first /sync counts {first.device_key_count} one-time keys, /keys/upload said {bob_uploaded}")
            print(f"ok bob's /sync counts the {bob_uploaded} one-time keys he uploaded", flush=True)

            room_id = await create_encrypted_room(alice, bob_id, "nio secrets")
            await sync_until(bob, lambda: room_id in bob.invited_rooms, "bob's sync shows alice's invite")
            expect(await bob.join(room_id), JoinResponse, "bob joins the encrypted room")
            await sync_until(bob, lambda: room_id in bob.rooms and bob.rooms[room_id].encrypted, "bob's sync has the room as encrypted")
            await sync_until(alice, lambda: joined(alice, room_id, bob_id), "alice's sync shows bob joined")

            # room_send: members, /keys/query for bob, /keys/claim of his one-time key, olm m.room_key by /sendToDevice.
            hello = "hello bob, encrypted by nio"
            sent = expect(
                await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": hello}, ignore_unverified_devices=True),
                RoomSendResponse,
                "alice sends an encrypted message (room key shared with bob's device)",
            )
            if bob.device_id not in alice.device_store[bob_id]:
                raise FlowError(f"alice's nio does not know bob's device {bob.device_id} after /keys/query")
            print("ok alice's nio knows bob's device from /keys/query", flush=True)
            event = await receive_encrypted(bob, bob_inbox, room_id, alice_id, hello, "bob decrypts alice's message")
            if event.event_id != sent.event_id:
                raise FlowError(f"bob decrypted {event.event_id}, alice sent {sent.event_id}")

            # Alice's /keys/claim took one of bob's one-time keys: his /sync count drops by one, and his nio
            # (in the sync rounds above) uploaded a replacement, which /keys/upload and the next /sync count.
            await check_topped_up(bob, bob_uploaded, "bob", "alice")

            reply = "hello alice, encrypted by nio"
            expect(
                await bob.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": reply}, ignore_unverified_devices=True),
                RoomSendResponse,
                "bob replies encrypted",
            )
            await receive_encrypted(alice, alice_inbox, room_id, bob_id, reply, "alice decrypts bob's reply")

            # A second message from alice reuses the outbound session: no new claim, bob still decrypts.
            again = "second message in the same megolm session"
            expect(
                await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": again}, ignore_unverified_devices=True),
                RoomSendResponse,
                "alice sends again",
            )
            await receive_encrypted(bob, bob_inbox, room_id, alice_id, again, "bob decrypts alice's second message")

            # Bob signs in on a second nio device: alice's /sync lists him in device_lists.changed, her nio queries
            # his keys again, rotates the room key and shares the new one with both of his devices.
            # The phone then goes offline (its nio closed, its sync token in its store) before alice sends.
            phone = make_client(homeserver, bob_id, store, log_file)
            try:
                await login(phone, bob_password, "bob's phone")
                await sync_once(phone, 0)
                saved_login = (phone.user_id, phone.device_id, phone.access_token)
                await phone.close()
                print("ok bob's phone goes offline", flush=True)
                await sync_until(
                    alice,
                    lambda: phone.device_id in {d.id for d in alice.device_store.active_user_devices(bob_id)},
                    "alice's nio learns bob's new device (device_lists.changed, /keys/query)",
                )
                both = "for both of bob's devices"
                expect(
                    await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": both}, ignore_unverified_devices=True),
                    RoomSendResponse,
                    "alice sends after bob's new device appeared",
                )
                await receive_encrypted(bob, bob_inbox, room_id, alice_id, both, "bob's first device decrypts it")
                # Back online: nio restores the login from its store and syncs on from the stored token; the room key
                # alice sent while it was offline waits in its to-device queue.
                phone = make_client(homeserver, bob_id, store, log_file)
                phone.restore_login(*saved_login)
                if not phone.loaded_sync_token:
                    raise FlowError("bob's phone's nio store has no sync token to resume from")
                phone_inbox = Inbox(phone)
                await receive_encrypted(
                    phone, phone_inbox, room_id, alice_id, both, "bob's phone, back online, gets the room key sent while it was offline and decrypts"
                )

                # The phone signs out: alice's nio drops it and no longer shares room keys with it.
                expect(await phone.logout(), LogoutResponse, "bob's phone signs out")
                await sync_until(
                    alice,
                    lambda: phone.device_id not in {d.id for d in alice.device_store.active_user_devices(bob_id)},
                    "alice's nio drops bob's signed-out device (device_lists.changed, /keys/query)",
                )
                after = "after the phone signed out"
                expect(
                    await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": after}, ignore_unverified_devices=True),
                    RoomSendResponse,
                    "alice sends after bob's phone signed out",
                )
                shared = alice.olm.outbound_group_sessions[room_id].users_shared_with
                if (bob_id, phone.device_id) in shared or (bob_id, bob.device_id) not in shared:
                    raise FlowError(f"alice's new room key went to {sorted(shared)}: expected bob's first device and not his phone")
                print("ok alice's new room key goes to bob's first device only", flush=True)
                await receive_encrypted(bob, bob_inbox, room_id, alice_id, after, "bob's first device decrypts the message sent after")
            finally:
                await phone.close()

            trusted = await verify_by_emoji(alice, bob, room_id)
            await receive_encrypted(bob, bob_inbox, room_id, alice_id, trusted, "bob decrypts the message sent to his verified device")
            await tablet_asks_for_key(homeserver, store, log_file, alice, bob, bob_password, room_id, trusted)

            # Bob leaves the only encrypted room he shares with alice: her /sync lists him in device_lists.left, and
            # her next room key goes to nobody of his.
            expect(await bob.room_leave(room_id), RoomLeaveResponse, "bob leaves the room")
            await sync_until(alice, lambda: bob_id in alice.left_seen, "alice's /sync lists bob in device_lists.left")
            expect(
                await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "bob has gone"}),
                RoomSendResponse,
                "alice sends after bob left",
            )
            shared = alice.olm.outbound_group_sessions[room_id].users_shared_with
            if any(user == bob_id for user, _ in shared):
                raise FlowError(f"alice's room key after bob left went to {sorted(shared)}")
            print("ok alice's room key after bob left goes to none of his devices", flush=True)

            # Five claims of bob's one-time keys at once: each must get a different key (a key handed out twice
            # would leave one olm session undecryptable), and the count drops by five before nio tops it up.
            claims = await asyncio.gather(*(alice.keys_claim({bob_id: [bob.device_id]}) for _ in range(5)))
            if not all(isinstance(c, KeysClaimResponse) for c in claims):
                raise FlowError(f"concurrent /keys/claim failed: {[c for c in claims if not isinstance(c, KeysClaimResponse)]}")
            key_ids = [key_id for c in claims for key_id in c.one_time_keys.get(bob_id, {}).get(bob.device_id, {})]
            if len(key_ids) != 5 or len(set(key_ids)) != 5:
                raise FlowError(f"five concurrent claims of bob's keys got {key_ids}: expected five different keys")
            print("ok five concurrent claims get five different one-time keys", flush=True)
            before = len(bob.key_counts)
            await sync_until(
                bob,
                lambda: any(n == bob_uploaded - 5 for source, n in bob.key_counts[before:] if source == "sync")
                and bob.key_counts[-1] == ("upload", bob_uploaded),
                f"bob's /sync count drops to {bob_uploaded - 5} and his nio tops it up to {bob_uploaded}",
            )
        finally:
            await alice.close()
            await bob.close()


def sas_past(client, tx, state):
    """Whether `client`'s verification `tx` went past `state`; a cancelled one fails the flow."""
    sas = client.key_verifications[tx]
    if sas.canceled:
        raise FlowError(f"{client.user_id}'s verification {tx} was cancelled: {sas.cancel_code} {sas.cancel_reason}")
    return sas.state.value > state.value


async def verify_by_emoji(alice, bob, room_id):
    """Alice verifies bob's device by SAS emoji, every m.key.verification.* message going by /sendToDevice and /sync's
    to_device; each nio then trusts the other's device, and alice's next message needs no ignore_unverified_devices."""
    device = alice.device_store[bob.user_id][bob.device_id]
    expect(await alice.start_key_verification(device), ToDeviceResponse, "alice starts emoji verification of bob's device")
    tx = next(t for t, sas in alice.key_verifications.items() if sas.other_olm_device.id == bob.device_id)
    await sync_until(bob, lambda: tx in bob.key_verifications, "bob's nio receives m.key.verification.start")
    expect(await bob.accept_key_verification(tx), ToDeviceResponse, "bob accepts")
    # accept -> alice's key -> bob's key: each nio answers from its sync rounds' outgoing to-device queue.
    await sync_until(alice, lambda: sas_past(alice, tx, SasState.started), "alice's nio receives the accept and sends her key")
    await sync_until(bob, lambda: bob.key_verifications[tx].other_key_set, "bob's nio receives alice's key and sends his")
    await sync_until(alice, lambda: alice.key_verifications[tx].other_key_set, "alice's nio receives bob's key")
    alice_emoji, bob_emoji = alice.key_verifications[tx].get_emoji(), bob.key_verifications[tx].get_emoji()
    if alice_emoji != bob_emoji:
        raise FlowError(f"the emoji differ: alice sees {alice_emoji}, bob sees {bob_emoji}")
    print(f"ok both see the same emoji {[name for _, name in alice_emoji]}", flush=True)
    expect(await alice.confirm_short_auth_string(tx), ToDeviceResponse, "alice confirms the emoji match")
    expect(await bob.confirm_short_auth_string(tx), ToDeviceResponse, "bob confirms the emoji match")
    await sync_until(alice, lambda: alice.olm.is_device_verified(device), "alice's nio marks bob's device verified (MAC)")
    own = bob.device_store[alice.user_id][alice.device_id]
    await sync_until(bob, lambda: bob.olm.is_device_verified(own), "bob's nio marks alice's device verified (MAC)")
    trusted = "sent to a verified device"
    expect(
        await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": trusted}),
        RoomSendResponse,
        "alice sends without ignore_unverified_devices",
    )
    return trusted


async def sync_both_until(clients, condition, step):
    """Short syncs of each client in turn (each answers the other's to-device messages) until `condition()` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT_S
    while not condition():
        if loop.time() > deadline:
            raise FlowError(f"{step}: not done within {STEP_TIMEOUT_S}s")
        for client in clients:
            await sync_once(client, 200)
    print(f"ok {step}", flush=True)


async def tablet_asks_for_key(homeserver, store, log_file, alice, bob, bob_password, room_id, body):
    """Bob's tablet logs in after alice's message and cannot decrypt it; it asks bob's own devices for the room key
    (m.room_key_request to device "*" of his own user), bob's first device claims a one-time key of the tablet and
    forwards the key by olm (m.forwarded_room_key), and the tablet decrypts the earlier message."""
    alice_id = alice.user_id
    tablet = make_client(homeserver, bob.user_id, store, log_file)
    try:
        await login(tablet, bob_password, "bob's tablet")
        inbox = Inbox(tablet)
        await sync_until(
            tablet,
            lambda: any(r == room_id and e.sender == alice_id for r, e in inbox.undecrypted),
            "bob's tablet's first sync has alice's earlier message, undecryptable there",
        )
        earlier = [e for r, e in inbox.undecrypted if r == room_id and e.sender == alice_id][-1]
        await sync_until(
            bob,
            lambda: tablet.device_id in {d.id for d in bob.device_store.active_user_devices(bob.user_id)},
            "bob's first device learns his tablet (device_lists.changed for his own user)",
        )
        # nio shares keys only with own devices it trusts, and takes forwarded keys only from them: bob trusts each
        # device from the other (as after comparing fingerprints).
        bob.verify_device(bob.device_store[bob.user_id][tablet.device_id])
        await sync_until(
            tablet,
            lambda: bob.device_id in {d.id for d in tablet.device_store.active_user_devices(bob.user_id)},
            "the tablet knows bob's first device",
        )
        tablet.verify_device(tablet.device_store[bob.user_id][bob.device_id])
        expect(await tablet.request_room_key(earlier), RoomKeyRequestResponse, "the tablet asks bob's devices for the room key")
        await sync_both_until(
            [bob, tablet],
            lambda: tablet.olm.inbound_group_store.get(room_id, earlier.sender_key, earlier.session_id) is not None,
            "bob's first device forwards the room key to the tablet",
        )
        decrypted = tablet.decrypt_event(earlier)
        if not isinstance(decrypted, RoomMessageText) or decrypted.body != body:
            raise FlowError(f"the tablet decrypted alice's earlier message as {type(decrypted).__name__}: {decrypted}")
        print("ok the tablet decrypts alice's earlier message with the forwarded key", flush=True)
    finally:
        await tablet.close()

    # Bob removes the tablet from his first device: DELETE /delete_devices with user-interactive auth (password).
    await sync_until(
        alice,
        lambda: tablet.device_id in {d.id for d in alice.device_store.active_user_devices(bob.user_id)},
        "alice's nio learns bob's tablet",
    )
    asked = expect(await bob.delete_devices([tablet.device_id]), DeleteDevicesAuthResponse, "deleting the tablet asks for auth")
    if not any(flow.get("stages") == ["m.login.password"] for flow in asked.flows):
        raise FlowError(f"the auth flows offered for deleting a device lack [m.login.password]: {asked.flows}")
    auth = {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": bob.user_id},
        "password": bob_password,
        "session": asked.session,
    }
    expect(await bob.delete_devices([tablet.device_id], auth), DeleteDevicesResponse, "bob deletes the tablet with his password")
    await sync_until(
        alice,
        lambda: tablet.device_id not in {d.id for d in alice.device_store.active_user_devices(bob.user_id)},
        "alice's nio drops bob's deleted tablet (device_lists.changed, /keys/query)",
    )


async def cross(homeserver, log_file, nio_id, nio_password, js_id, nio_body, js_body, js_body2, js_body3):
    with tempfile.TemporaryDirectory() as store:
        nio_user = make_client(homeserver, nio_id, store, log_file)
        try:
            await login(nio_user, nio_password, "nio user")
            inbox = Inbox(nio_user)
            await sync_once(nio_user, 0)
            room_id = await create_encrypted_room(nio_user, js_id, "nio and js-sdk")
            print(f"ROOM {room_id}", flush=True)
            await sync_until(nio_user, lambda: joined(nio_user, room_id, js_id), "the js-sdk user's join reaches nio")
            sent = expect(
                await nio_user.room_send(
                    room_id, "m.room.message", {"msgtype": "m.text", "body": nio_body}, ignore_unverified_devices=True
                ),
                RoomSendResponse,
                "nio sends an encrypted message to the js-sdk user",
            )
            print(f"SENT {sent.event_id}", flush=True)
            await receive_encrypted(nio_user, inbox, room_id, js_id, js_body, "nio decrypts the js-sdk user's message")

            # A second nio device: the js-sdk user's client learns it from device_lists.changed, claims one of its
            # one-time keys and shares the room key with it by olm.
            phone = make_client(homeserver, nio_id, store, log_file)
            try:
                uploaded = await login(phone, nio_password, "nio user's second device")
                phone_inbox = Inbox(phone)
                await sync_once(phone, 0)
                print(f"DEVICE {phone.device_id}", flush=True)
                await receive_encrypted(
                    phone, phone_inbox, room_id, js_id, js_body2, "the nio user's second device decrypts the js-sdk user's next message"
                )
                await receive_encrypted(nio_user, inbox, room_id, js_id, js_body2, "the first nio device decrypts it too")
                await check_topped_up(phone, uploaded, "the second nio device", "the js-sdk user")
            finally:
                await phone.close()

            # The js-sdk user's own encrypted room: it sends while the nio user is only invited (the room key goes to
            # the invited user's devices), and the nio user then joins and decrypts that message from its join's timeline.
            print("INVITE ME", flush=True)
            await sync_until(
                nio_user, lambda: any(r != room_id for r in nio_user.invited_rooms), "the js-sdk user's invite reaches nio"
            )
            second_room = next(r for r in nio_user.invited_rooms if r != room_id)
            said = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
            if said.strip() != "SENT WHILE INVITED":
                raise FlowError(f"expected the test to say SENT WHILE INVITED, got {said!r}")
            expect(await nio_user.join(second_room), JoinResponse, "nio joins the js-sdk user's encrypted room")
            await receive_encrypted(
                nio_user, inbox, second_room, js_id, js_body3, "nio decrypts the message sent while it was only invited"
            )
        finally:
            await nio_user.close()


def main():
    modes = {"pair": (pair, 6), "cross": (cross, 9)}
    if len(sys.argv) < 2 or sys.argv[1] not in modes or len(sys.argv) != 2 + modes[sys.argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    run, _count = modes[sys.argv[1]]
    if os.environ.get("NIO_E2EE_DEBUG") == "1":
        # nio's own logbook output (olm decisions: sessions, key shares, trust), next to the HTTP log.
        import logbook
        from nio.log import logger_group

        logger_group.level = logbook.DEBUG
        logbook.FileHandler(f"{sys.argv[3]}.{sys.argv[1]}.debug", level="DEBUG", bubble=True).push_application()
    try:
        asyncio.run(run(*sys.argv[2:]))
    except FlowError as error:
        print(f"FAILED {error}", flush=True)
        return 1
    print(f"NIO E2EE {sys.argv[1].upper()} OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
