// The refusals of the end-to-end encryption key routes, mapped in the one error table.

export interface E2eeKeyError {
  readonly _tag: "E2eeKeyError";
  /**
   * bad_json: a body whose shape the spec does not allow; invalid_param: keys for another user or
   * device, or a one-time key ID reused with different content; missing_param: no master key to
   * sign with; invalid_signature: a cross-signing key not signed by its master key; forbidden: a
   * cross-signing public key equal to one of the user's device IDs.
   */
  readonly reason: "bad_json" | "invalid_param" | "missing_param" | "invalid_signature" | "forbidden";
  readonly message: string;
}

export const e2eeKeyError = (reason: E2eeKeyError["reason"], message: string): E2eeKeyError => ({
  _tag: "E2eeKeyError",
  reason,
  message,
});
