// The one error table: which failures are server faults worth logging, and which are decided answers.
import { describe, expect, it } from "vitest";
import { isInternal, toMatrixError } from "../../../src/api/error-table";

describe("isInternal", () => {
  it("is true for a failure the table does not know and for 5xx answers without an errcode of their own", () => {
    expect(isInternal(new Error("boom"))).toBe(true);
    expect(isInternal({ _tag: "Unavailable", reason: "the room DO did not answer" })).toBe(true);
  });

  it("is false for client errors and for a 5xx the spec names (504 M_NOT_YET_UPLOADED)", () => {
    expect(isInternal({ _tag: "MediaError", reason: "not_found" })).toBe(false);
    const notYet = { _tag: "MediaError", reason: "not_yet_uploaded" };
    expect([toMatrixError(notYet).status, toMatrixError(notYet).errcode]).toEqual([504, "M_NOT_YET_UPLOADED"]);
    expect(isInternal(notYet)).toBe(false);
  });
});
