// The refusals of the typing, receipt, read-marker and presence routes, mapped in the one error table.

export interface EphemeralError {
  readonly _tag: "EphemeralError";
  /**
   * other_user: the path names someone other than the caller; not_joined: the caller is not in the
   * room; event_not_found: no such event in the room; unknown_user: no such local user;
   * presence_hidden: no room shared with that user; bad_json / invalid_param: a body or parameter
   * the spec refuses.
   */
  readonly reason: "other_user" | "not_joined" | "event_not_found" | "unknown_user" | "presence_hidden" | "bad_json" | "invalid_param";
  readonly message: string;
}

export const ephemeralError = (reason: EphemeralError["reason"], message: string): EphemeralError => ({
  _tag: "EphemeralError",
  reason,
  message,
});
