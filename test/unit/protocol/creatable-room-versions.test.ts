// Which room versions the server offers: those it can create rooms in, including the default.
import { describe, expect, it } from "vitest";
import { CREATABLE_ROOM_VERSIONS } from "../../../src/protocol/creatable-room-versions";
import { DEFAULT_ROOM_VERSION } from "../../../src/protocol/room-versions";

describe("CREATABLE_ROOM_VERSIONS", () => {
  it("is 3 to 12: 1 and 2 use the older event shape this server does not create", () => {
    expect(CREATABLE_ROOM_VERSIONS).toEqual(["3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]);
  });

  it("includes the default version", () => {
    expect(CREATABLE_ROOM_VERSIONS).toContain(DEFAULT_ROOM_VERSION);
  });
});
