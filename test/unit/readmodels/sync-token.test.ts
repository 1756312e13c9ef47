import { describe, expect, it } from "vitest";
import { formatSyncToken, parseSyncToken, SYNC_STREAMS, tokenAt } from "../../../src/readmodels/sync-token";

describe("sync token", () => {
  it("carries the streams in token order, to-device and device lists after presence", () => {
    expect(SYNC_STREAMS).toEqual(["pdu", "account_data", "typing", "receipt", "presence", "to_device", "device_lists"]);
  });

  it("tokenAt sets only the room event position", () => {
    expect(tokenAt(9)).toEqual({ pdu: 9, account_data: 0, typing: 0, receipt: 0, presence: 0, to_device: 0, device_lists: 0 });
    expect(formatSyncToken(tokenAt(9))).toBe("s9");
  });

  it("reads tokens from before the to-device and device-list streams as position 0 of them", () => {
    const parsed = parseSyncToken("s5_4_3_2_1");
    expect(parsed).toEqual({ ok: true, value: { pdu: 5, account_data: 4, typing: 3, receipt: 2, presence: 1, to_device: 0, device_lists: 0 } });
  });

  it("round-trips every stream and drops trailing zero parts", () => {
    const token = { pdu: 1, account_data: 2, typing: 3, receipt: 4, presence: 5, to_device: 6, device_lists: 7 };
    expect(formatSyncToken(token)).toBe("s1_2_3_4_5_6_7");
    expect(parseSyncToken("s1_2_3_4_5_6_7")).toEqual({ ok: true, value: token });
    expect(formatSyncToken({ ...token, device_lists: 0 })).toBe("s1_2_3_4_5_6");
    expect(formatSyncToken({ ...tokenAt(1), to_device: 0, device_lists: 3 })).toBe("s1_0_0_0_0_0_3");
  });

  it("refuses a token naming more streams than the server has", () => {
    expect(parseSyncToken("s1_2_3_4_5_6_7_8").ok).toBe(false);
  });
});
