// The refusals of the per-user data routes (filters, account data, tags), mapped in the one error table.
import { Data } from "effect";

export class UserDataError extends Data.TaggedError("UserDataError")<{
  /**
   * other_user: the path names someone other than the caller; not_found: no such filter or account
   * data; server_managed: an account data type only the server may set (spec: 405); bad_tag: a tag
   * name or tag body the spec does not allow.
   */
  readonly reason: "other_user" | "not_found" | "server_managed" | "bad_tag";
  readonly message: string;
}> {}
