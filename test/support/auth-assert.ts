// Assertions for auth results: allowed, or rejected under a named spec rule.
import { expect } from "vitest";
import type { AuthRejection } from "../../src/protocol/auth/auth-types";
import type { Result } from "../../src/protocol/result";

export function expectAllowed(result: Result<void, AuthRejection>): void {
  expect(result.ok ? "allowed" : `rejected by ${result.error.rule}: ${result.error.reason}`).toBe("allowed");
}

export function expectRejected(result: Result<void, AuthRejection>, rule: string): void {
  expect(result.ok ? "allowed" : `rejected by ${result.error.rule}`).toBe(`rejected by ${rule}`);
}
