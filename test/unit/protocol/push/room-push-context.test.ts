// roomPushContext: sender power levels, notification levels and the user's display name from the room's state.
import { describe, expect, it } from "vitest";
import { roomPushContext } from "../../../../src/protocol/push/room-push-context";

const power = { type: "m.room.power_levels", state_key: "", event_id: "$pl", pdu: { type: "m.room.power_levels", state_key: "", content: { users: { "@mod:x": 50 }, users_default: 0, notifications: { room: 20 } } } };
const me = { type: "m.room.member", state_key: "@me:x", event_id: "$me", pdu: { type: "m.room.member", state_key: "@me:x", content: { membership: "join", displayname: "Me" } } };

describe("roomPushContext", () => {
  it("reads levels, notification levels, display name and member count", () => {
    const contextFor = roomPushContext("@me:x", "10", [power, me], 7);
    expect(contextFor("@mod:x")).toEqual({ userId: "@me:x", displayName: "Me", memberCount: 7, senderPowerLevel: 50, notificationPowerLevels: { room: 20 } });
    expect(contextFor("@someone:x").senderPowerLevel).toBe(0);
  });

  it("falls back to the defaults without power levels or a display name", () => {
    const context = roomPushContext("@me:x", "10", [], 2)("@someone:x");
    expect(context.displayName).toBeUndefined();
    expect(context.memberCount).toBe(2);
    // The condition matcher applies the spec default (room: 50) when the key is absent.
    expect(context.notificationPowerLevels["room"] ?? 50).toBe(50);
  });
});
