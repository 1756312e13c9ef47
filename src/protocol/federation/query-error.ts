// The refusals of the read-only federation queries (profile, directory, user devices and keys), mapped in the one error table.

export interface FederationQueryError {
  readonly _tag: "FederationQueryError";
  /**
   * missing_param: a required query parameter is absent; invalid_param: a malformed ID or alias, or
   * one of another server (these endpoints answer only about our own); bad_json: a body of the
   * wrong shape; not_found: no such local user or alias.
   */
  readonly reason: "missing_param" | "invalid_param" | "bad_json" | "not_found";
  readonly message: string;
}

export const federationQueryError = (reason: FederationQueryError["reason"], message: string): FederationQueryError => ({
  _tag: "FederationQueryError",
  reason,
  message,
});
