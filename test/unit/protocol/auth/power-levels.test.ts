// Reading power levels: integers only from v10, stringy and floaty values before, defaults, and creators.
import { describe, expect, it } from "vitest";
import {
  comparePower,
  DEFAULT_POWER_LEVELS,
  INFINITE_POWER,
  parsePowerLevelValue,
  powerLevelsFromContent,
  requiredPowerLevel,
  roomPowerFromState,
  userPowerLevel,
} from "../../../../src/protocol/auth/power-levels";
import { ALICE, BOB, CAROL, lookup, newRoom, powerLevels, rulesFor, withState } from "../../../support/auth-room";

describe("parsePowerLevelValue", () => {
  it("v10+: integers only", () => {
    const v10 = rulesFor("10");
    expect(parsePowerLevelValue(v10, 50)).toBe(50);
    expect(parsePowerLevelValue(v10, -5)).toBe(-5);
    expect(parsePowerLevelValue(v10, "50")).toBeUndefined();
    expect(parsePowerLevelValue(v10, 50.5)).toBeUndefined();
    expect(parsePowerLevelValue(v10, true)).toBeUndefined();
  });
  it("before v10: strings holding an integer, with sign, leading zeroes and surrounding whitespace", () => {
    const v9 = rulesFor("9");
    expect(parsePowerLevelValue(v9, "100")).toBe(100);
    expect(parsePowerLevelValue(v9, "000100")).toBe(100);
    expect(parsePowerLevelValue(v9, "+100")).toBe(100);
    expect(parsePowerLevelValue(v9, "-100")).toBe(-100);
    expect(parsePowerLevelValue(v9, " 00100 ")).toBe(100);
    expect(parsePowerLevelValue(v9, " +100 ")).toBe(100);
    expect(parsePowerLevelValue(v9, "1.5")).toBeUndefined();
    expect(parsePowerLevelValue(v9, "1e3")).toBeUndefined();
    expect(parsePowerLevelValue(v9, "")).toBeUndefined();
    expect(parsePowerLevelValue(v9, "--1")).toBeUndefined();
  });
  it("v1–v5: floats are truncated at the decimal point; non-finite values are refused", () => {
    const v1 = rulesFor("1");
    expect(parsePowerLevelValue(v1, 50.57)).toBe(50);
    expect(parsePowerLevelValue(v1, 5.114698e4)).toBe(51146);
    expect(parsePowerLevelValue(v1, -0.5)).toBe(0);
    expect(parsePowerLevelValue(v1, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parsePowerLevelValue(v1, Number.NaN)).toBeUndefined();
  });
});

describe("defaults", () => {
  it("without a power levels event: state 50, events 0, ban/kick/redact 50, invite 0, users 0", () => {
    expect(DEFAULT_POWER_LEVELS).toMatchObject({
      usersDefault: 0,
      eventsDefault: 0,
      stateDefault: 50,
      ban: 50,
      kick: 50,
      redact: 50,
      invite: 0,
    });
  });
  it("missing or unreadable keys in a power levels event take their defaults", () => {
    const levels = powerLevelsFromContent(rulesFor("9"), { ban: "75", kick: "lots", users: { [BOB]: "10" } });
    expect(levels.ban).toBe(75);
    expect(levels.kick).toBe(50);
    expect(levels.users.get(BOB)).toBe(10);
  });
  it("required level: events entry, else state_default or events_default", () => {
    const levels = powerLevelsFromContent(rulesFor("10"), { state_default: 40, events_default: 5, events: { "m.x": 70 } });
    expect(requiredPowerLevel(levels, "m.x", false)).toBe(70);
    expect(requiredPowerLevel(levels, "m.y", true)).toBe(40);
    expect(requiredPowerLevel(levels, "m.y", false)).toBe(5);
  });
});

describe("user power levels", () => {
  it("before v12 the creator has 100 until a power levels event exists, then what it says", () => {
    for (const version of ["1", "10", "11"]) {
      const room = newRoom(version);
      const power = roomPowerFromState(room.rules, lookup(room));
      expect(userPowerLevel(power, ALICE)).toBe(100);
      expect(userPowerLevel(power, BOB)).toBe(0);
      const withPl = withState(room, powerLevels(room, { users_default: 3, users: { [BOB]: 20 } }));
      const after = roomPowerFromState(room.rules, lookup(withPl));
      expect(userPowerLevel(after, ALICE)).toBe(3);
      expect(userPowerLevel(after, BOB)).toBe(20);
    }
  });
  it("v12: the sender and additional creators are infinite, whatever the power levels say", () => {
    const room = newRoom("12", { additional_creators: [BOB] });
    const withPl = withState(room, powerLevels(room, { users_default: 3, users: { [ALICE]: 1 } }));
    const power = roomPowerFromState(room.rules, lookup(withPl));
    expect(userPowerLevel(power, ALICE)).toBe(INFINITE_POWER);
    expect(userPowerLevel(power, BOB)).toBe(INFINITE_POWER);
    expect(userPowerLevel(power, CAROL)).toBe(3);
  });
  it("v11 ignores additional_creators", () => {
    const room = newRoom("11", { additional_creators: [BOB] });
    expect(userPowerLevel(roomPowerFromState(room.rules, lookup(room)), BOB)).toBe(0);
  });
  it("infinity compares above every number and equal to itself", () => {
    expect(comparePower(INFINITE_POWER, Number.MAX_SAFE_INTEGER)).toBeGreaterThan(0);
    expect(comparePower(Number.MAX_SAFE_INTEGER, INFINITE_POWER)).toBeLessThan(0);
    expect(comparePower(INFINITE_POWER, INFINITE_POWER)).toBe(0);
    expect(comparePower(3, 5)).toBeLessThan(0);
  });
});
