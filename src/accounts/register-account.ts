// Registration as one transaction: the user row and, unless inhibit_login, its first device and tokens.
import { ok, type Result } from "../protocol/result";
import type { UserInUse } from "./account-errors";
import { returnRegistrationTokenUse } from "./registration-token-store";
import { createSessionStatements, type IssuedTokens, type NewSession } from "./token-store";
import { insertUserStatement, userInUseOrThrow, type NewUser, type UserRecord } from "./user-store";

export interface Registration {
  readonly user: NewUser;
  /** NULL for inhibit_login: the account is created without a device or tokens. */
  readonly login: Omit<NewSession, "userId" | "now"> | null;
  /**
   * The registration token of the consumed UIA session, if any: its use is given back when the
   * name turns out to be taken (the session is gone by then; the client starts a new one).
   */
  readonly registrationToken?: string | null;
}

export interface RegisteredAccount {
  readonly user: UserRecord;
  readonly tokens: IssuedTokens | null;
}

/**
 * Either everything exists afterwards or nothing does: a unique-index violation (the name was
 * taken, perhaps a moment ago by a concurrent request) rolls back the device and tokens too.
 */
export async function registerAccount(
  db: D1Database,
  registration: Registration,
): Promise<Result<RegisteredAccount, UserInUse>> {
  const { statement, record } = insertUserStatement(db, registration.user);
  const session = registration.login
    ? createSessionStatements(db, { ...registration.login, userId: record.userId, now: registration.user.now })
    : null;
  try {
    await db.batch([statement, ...(session?.statements ?? [])]);
  } catch (cause) {
    const failure = userInUseOrThrow(cause, registration.user.localpart);
    if (registration.registrationToken) await returnRegistrationTokenUse(db, registration.registrationToken);
    return failure;
  }
  return ok({ user: record, tokens: session?.issued ?? null });
}
