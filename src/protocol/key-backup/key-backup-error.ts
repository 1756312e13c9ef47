// The refusals of the server-side key backup routes (spec "Server-side key backups"), mapped in the one error table.

export interface KeyBackupError {
  readonly _tag: "KeyBackupError";
  /**
   * bad_json: a body the spec's schema does not allow; invalid_param: a PUT of version info whose
   * algorithm or version differs from the stored backup's, or a path room or session ID that cannot
   * be one; no_backup: the user has no current backup; unknown_version: no such (undeleted) backup;
   * key_not_found: the backup holds no key for that session; wrong_version: keys written to a
   * backup that is not the current one (the answer names the current one); too_large: one key or an
   * auth_data over the size a stored record may have.
   */
  readonly reason: "bad_json" | "invalid_param" | "no_backup" | "unknown_version" | "key_not_found" | "wrong_version" | "too_large";
  readonly message: string;
  /** With wrong_version: the user's current backup version, which the answer carries as `current_version`. */
  readonly currentVersion?: string;
}

export const keyBackupError = (reason: KeyBackupError["reason"], message: string, currentVersion?: string): KeyBackupError => ({
  _tag: "KeyBackupError",
  reason,
  message,
  ...(currentVersion === undefined ? {} : { currentVersion }),
});
