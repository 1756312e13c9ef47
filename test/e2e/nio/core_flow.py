#!/usr/bin/python3
"""The core client flow through matrix-nio against a running server: two users log in, one
creates a room, the other joins it, each sends a message and each sees the other's by /sync.

Usage: core_flow.py HOMESERVER ALICE_USER_ID ALICE_PASSWORD BOB_USER_ID BOB_PASSWORD
Prints one line per step and "NIO CORE FLOW OK" at the end; exits 1 naming the step that failed.
"""
import asyncio
import sys
import tempfile

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinedMembersResponse,
    JoinResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)
from nio.api import RoomPreset

STEP_TIMEOUT_S = 30


class FlowError(Exception):
    pass


def expect(response, kind, step):
    if not isinstance(response, kind):
        raise FlowError(f"{step}: expected {kind.__name__}, got {type(response).__name__}: {response}")
    print(f"ok {step}", flush=True)
    return response


def make_client(homeserver, user_id, store):
    # Encryption off: this flow is about the plain client-server API, and keeps nio away from key upload.
    config = AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False)
    return AsyncClient(homeserver, user_id, store_path=store, config=config)


async def sync_until_message(client, room_id, sender, body, step):
    """Long-polls /sync (from the client's last next_batch) until `sender`'s message `body` arrives in `room_id`."""
    seen = asyncio.Event()

    async def on_message(room, event):
        if room.room_id == room_id and event.sender == sender and event.body == body:
            seen.set()

    client.add_event_callback(on_message, RoomMessageText)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT_S
    while not seen.is_set():
        if loop.time() > deadline:
            raise FlowError(f"{step}: {body!r} from {sender} did not arrive within {STEP_TIMEOUT_S}s")
        response = await client.sync(timeout=2000)
        if not isinstance(response, SyncResponse):
            raise FlowError(f"{step}: sync failed: {response}")
    print(f"ok {step}", flush=True)


async def sync_until_joined(client, room_id, step):
    """Long-polls /sync until `room_id` is among the client's joined rooms.

    The server answers /join once the room has the event, and /sync reads read models that the
    projection fills a moment later: one sync straight after joining may not list the room yet.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT_S
    while room_id not in client.rooms:
        if loop.time() > deadline:
            raise FlowError(f"{step}: /sync did not list {room_id} as joined within {STEP_TIMEOUT_S}s")
        response = await client.sync(timeout=2000)
        if not isinstance(response, SyncResponse):
            raise FlowError(f"{step}: sync failed: {response}")
    print(f"ok {step}", flush=True)


async def flow(homeserver, alice_id, alice_password, bob_id, bob_password):
    with tempfile.TemporaryDirectory() as store:
        alice = make_client(homeserver, alice_id, store)
        bob = make_client(homeserver, bob_id, store)
        try:
            expect(await alice.login(alice_password, device_name="nio alice"), LoginResponse, "alice logs in")
            expect(await bob.login(bob_password, device_name="nio bob"), LoginResponse, "bob logs in")

            created = expect(
                await alice.room_create(name="nio flow", preset=RoomPreset.public_chat),
                RoomCreateResponse,
                "alice creates a public room",
            )
            room_id = created.room_id
            expect(await alice.sync(timeout=0, full_state=True), SyncResponse, "alice's first sync")
            expect(await bob.sync(timeout=0, full_state=True), SyncResponse, "bob's first sync")

            expect(await bob.join(room_id), JoinResponse, "bob joins alice's room")
            await sync_until_joined(bob, room_id, "bob syncs the joined room")

            expect(
                await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hello from alice"}),
                RoomSendResponse,
                "alice sends",
            )
            await sync_until_message(bob, room_id, alice_id, "hello from alice", "bob sees alice's message")

            expect(
                await bob.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hello from bob"}),
                RoomSendResponse,
                "bob sends",
            )
            await sync_until_message(alice, room_id, bob_id, "hello from bob", "alice sees bob's message")

            members = expect(await bob.joined_members(room_id), JoinedMembersResponse, "bob lists joined members")
            names = {m.user_id: m.display_name for m in members.members}
            if set(names) != {alice_id, bob_id}:
                raise FlowError(f"joined members are {sorted(names)}, expected alice and bob")
            if not all(names.values()):
                raise FlowError(f"a joined member has no display name: {names}")
            print(f"ok display names {sorted(names.values())}", flush=True)

            # nio's own room model, built from /sync, knows both members by now.
            room = alice.rooms.get(room_id)
            if room is None or not {alice_id, bob_id} <= set(room.users):
                raise FlowError(f"alice's room model lacks a member: {None if room is None else sorted(room.users)}")
            print("ok alice's room model has both members", flush=True)
        finally:
            await alice.close()
            await bob.close()


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        asyncio.run(flow(*sys.argv[1:]))
    except FlowError as error:
        print(f"FAILED {error}", flush=True)
        return 1
    print("NIO CORE FLOW OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
