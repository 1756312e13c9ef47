// A key upload, or a device with keys logging out, wakes a room-mate's long-polling /sync, which then lists the user in device_lists.changed.
import { describe, expect, it } from "vitest";
import { changedUsers, expectStatus, keysApp, pollAcross, uploadKeys } from "./support";

const call = keysApp();

describe("device-list changes and /sync", () => {
  it("wake a waiting /sync of a room-mate", async () => {
    const { bob, sync, ms } = await pollAcross(call, (bob) => uploadKeys(call, bob).then(() => undefined), { bobKeys: false });
    expect(ms).toBeLessThan(10_000);
    expect(changedUsers(sync)).toContain(bob.userId);
  });

  it("wake a waiting /sync of a room-mate when a device with keys logs out", async () => {
    const { bob, sync, ms } = await pollAcross(call, async (bob) => {
      await expectStatus(call("POST", "logout", { token: bob.accessToken, body: {} }), 200);
    }, { bobKeys: true });
    expect(ms).toBeLessThan(10_000);
    expect(changedUsers(sync)).toContain(bob.userId);
  });
});
