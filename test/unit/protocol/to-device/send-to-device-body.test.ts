import { describe, expect, it } from "vitest";
import {
  isToDevicePathPart,
  MAX_TO_DEVICE_CONTENT_BYTES,
  parseSendToDeviceBody,
} from "../../../../src/protocol/to-device/send-to-device-body";

const reasonOf = (body: Record<string, unknown>) => {
  const parsed = parseSendToDeviceBody(body as never);
  return parsed.ok ? "ok" : parsed.error.reason;
};

describe("parseSendToDeviceBody", () => {
  it("lists every (user, device) message in body order, `*` included", () => {
    const parsed = parseSendToDeviceBody({
      messages: { "@a:x.example": { DEV1: { k: 1 }, "*": { k: 2 } }, "@b:y.example": { DEV2: {} } },
    });
    expect(parsed).toEqual({
      ok: true,
      value: [
        { userId: "@a:x.example", deviceId: "DEV1", content: { k: 1 } },
        { userId: "@a:x.example", deviceId: "*", content: { k: 2 } },
        { userId: "@b:y.example", deviceId: "DEV2", content: {} },
      ],
    });
    expect(parseSendToDeviceBody({ messages: {} })).toEqual({ ok: true, value: [] });
  });

  it("refuses a missing or non-object messages map, and non-object levels, as bad JSON", () => {
    expect(reasonOf({})).toBe("bad_json");
    expect(reasonOf({ messages: [] })).toBe("bad_json");
    expect(reasonOf({ messages: null })).toBe("bad_json");
    expect(reasonOf({ messages: { "@a:x.example": [] } })).toBe("bad_json");
    expect(reasonOf({ messages: { "@a:x.example": { D: "text" } } })).toBe("bad_json");
    expect(reasonOf({ messages: { "@a:x.example": { D: [1] } } })).toBe("bad_json");
  });

  it("refuses IDs that are not user or device IDs as invalid parameters", () => {
    expect(reasonOf({ messages: { alice: { D: {} } } })).toBe("invalid_param");
    expect(reasonOf({ messages: { "@a": { D: {} } } })).toBe("invalid_param");
    expect(reasonOf({ messages: { "@a:x.example": { "": {} } } })).toBe("invalid_param");
    expect(reasonOf({ messages: { "@a:x.example": { "bad\u0001": {} } } })).toBe("invalid_param");
  });

  it("refuses one message's content over 64 KiB", () => {
    const fits = { s: "x".repeat(MAX_TO_DEVICE_CONTENT_BYTES - 10) };
    const over = { s: "x".repeat(MAX_TO_DEVICE_CONTENT_BYTES) };
    expect(reasonOf({ messages: { "@a:x.example": { D: fits } } })).toBe("ok");
    expect(reasonOf({ messages: { "@a:x.example": { D: over } } })).toBe("too_large");
  });
});

describe("isToDevicePathPart", () => {
  it("accepts an ordinary event type or txnId and refuses empty, long or control characters", () => {
    expect(isToDevicePathPart("m.room.encrypted")).toBe(true);
    expect(isToDevicePathPart("m1700000000.42")).toBe(true);
    expect(isToDevicePathPart("")).toBe(false);
    expect(isToDevicePathPart("x".repeat(256))).toBe(false);
    expect(isToDevicePathPart("a\nb")).toBe(false);
  });
});
