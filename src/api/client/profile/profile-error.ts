// The refusals of the profile and user directory routes, mapped in the one error table.
import { Data } from "effect";

export class ProfileError extends Data.TaggedError("ProfileError")<{
  /**
   * other_user: a change to someone else's profile; guest_field: a guest changing a field other than
   * displayname (spec "Guest Access"); not_found: no such user or field; bad_key: a key name outside
   * the spec's grammar; missing_value: the body lacks the key named in the path; bad_type: a value of
   * the wrong JSON type; invalid_value: a value the field does not allow (not an mxc URI, too long);
   * too_large: the whole profile would reach 64 KiB.
   */
  readonly reason: "other_user" | "guest_field" | "not_found" | "bad_key" | "missing_value" | "bad_type" | "invalid_value" | "too_large";
  readonly message: string;
}> {}
