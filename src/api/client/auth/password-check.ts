// Checking a password against an account so that a wrong password and an unknown user look alike.
import { burnPasswordVerification, hashPassword, needsRehash, verifyPassword } from "../../../accounts/password-hash";
import { getUserByLocalpart, setPasswordHash, type UserRecord } from "../../../accounts/user-store";
import { loginLocalpart } from "../../../accounts/localpart";
import { isJsonObject, type JsonObject } from "../../../protocol/json-value";

/** The one message for every failed password check: it never says whether the account exists. */
export const INVALID_CREDENTIALS = "Invalid username or password";

/**
 * The account if `password` is its password. Every failure (unknown user, another server's user,
 * no password, deactivated, wrong password) spends one full PBKDF2 verification, so neither the
 * answer nor its timing tells which of these it was.
 */
export async function checkPassword(
  db: D1Database,
  serverName: string,
  user: string,
  password: string,
): Promise<UserRecord | undefined> {
  const localpart = loginLocalpart(user, serverName);
  const record = localpart === undefined ? null : await getUserByLocalpart(db, localpart);
  if (record === null || record.passwordHash === null || record.deactivated) {
    await burnPasswordVerification(password);
    return undefined;
  }
  if (!(await verifyPassword(password, record.passwordHash))) return undefined;
  if (needsRehash(record.passwordHash)) {
    // The cost parameters rose since this hash was made: upgrade it while the password is at hand.
    await setPasswordHash(db, record.userId, await hashPassword(password));
  }
  return record;
}

/**
 * The user a login (or m.login.password UIA) body names: `identifier` of type m.id.user, or the
 * deprecated top-level `user`. Undefined for other identifier types (this server keeps no 3PIDs).
 */
export function namedUser(body: JsonObject): string | undefined {
  const identifier = body["identifier"];
  if (isJsonObject(identifier)) {
    const user = identifier["user"];
    return identifier["type"] === "m.id.user" && typeof user === "string" ? user : undefined;
  }
  const legacy = body["user"];
  return typeof legacy === "string" ? legacy : undefined;
}
