// Local users' profiles in D1: read with the localpart default, compare-and-set updates, and member-event content.
import { isJsonObject, type JsonObject } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";

export interface Profile {
  /** null: not set (removed by the user). */
  readonly displayname: string | null;
  /** An mxc:// URI, or null when not set. */
  readonly avatarUrl: string | null;
  /** Custom fields (spec v1.16), keyed by namespaced identifiers. */
  readonly fields: JsonObject;
}

/** The profile asked about belongs to no active local account. */
export interface ProfileUserMissing {
  readonly _tag: "ProfileUserMissing";
}

export interface ProfileChange {
  readonly before: Profile;
  readonly after: Profile;
}

/** What the m.room.member content of a join carries from the profile (spec "Events on Change of Profile Information"). */
export interface MemberProfileContent {
  readonly displayname?: string;
  readonly avatar_url?: string;
}

interface ProfileRow {
  localpart: string;
  profile_user: string | null;
  displayname: string | null;
  avatar_url: string | null;
  fields: string | null;
  version: number | null;
}

/** Compare-and-set attempts before giving up; only a burst of concurrent edits of one profile can use more than one. */
const MAX_ATTEMPTS = 10;

const parseFields = (text: string | null): JsonObject => {
  if (text === null) return {};
  const value: unknown = JSON.parse(text);
  return isJsonObject(value) ? value : {};
};

/**
 * A user without a profile row has the default profile: registration writes no row, so the
 * default displayname (the localpart, as clients show before anything is set) is given on read.
 */
const toProfile = (row: ProfileRow): Profile =>
  row.profile_user === null
    ? { displayname: row.localpart, avatarUrl: null, fields: {} }
    : { displayname: row.displayname, avatarUrl: row.avatar_url, fields: parseFields(row.fields) };

async function readRow(db: D1Database, userId: string): Promise<ProfileRow | null> {
  // Deactivated accounts have no profile to show.
  return db
    .prepare(
      `SELECT u.localpart, p.user_id AS profile_user, p.displayname, p.avatar_url, p.fields, p.version
       FROM users u LEFT JOIN profiles p ON p.user_id = u.user_id
       WHERE u.user_id = ? AND u.deactivated = 0`,
    )
    .bind(userId)
    .first<ProfileRow>();
}

/** The profile of an active local user; undefined for an unknown or deactivated one. */
export async function readProfile(db: D1Database, userId: string): Promise<Profile | undefined> {
  const row = await readRow(db, userId);
  return row === null ? undefined : toProfile(row);
}

/** The profile as GET /profile/{userId} answers it: custom fields, then the two standard ones when set. */
export function profileJson(profile: Profile): JsonObject {
  const out: Record<string, JsonObject[string]> = { ...profile.fields };
  delete out["displayname"];
  delete out["avatar_url"];
  if (profile.displayname !== null) out["displayname"] = profile.displayname;
  if (profile.avatarUrl !== null) out["avatar_url"] = profile.avatarUrl;
  return out;
}

/**
 * Applies `change` to the stored profile and writes the result only if nobody wrote in between
 * (the version column), re-reading and retrying otherwise, so concurrent edits of different
 * fields both land and `change`'s checks (e.g. the total size) hold for what is stored.
 */
export async function updateProfile<E>(
  db: D1Database,
  userId: string,
  nowMs: number,
  change: (current: Profile) => Result<Profile, E>,
): Promise<Result<ProfileChange, E | ProfileUserMissing>> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const row = await readRow(db, userId);
    if (row === null) return err({ _tag: "ProfileUserMissing" });
    const before = toProfile(row);
    const next = change(before);
    if (!next.ok) return next;
    const after = next.value;
    const values = [after.displayname, after.avatarUrl, JSON.stringify(after.fields), nowMs] as const;
    const written =
      row.profile_user === null
        ? await db
            .prepare(
              `INSERT INTO profiles (user_id, displayname, avatar_url, fields, version, updated_ts) VALUES (?, ?, ?, ?, 1, ?)
               ON CONFLICT (user_id) DO NOTHING`,
            )
            .bind(userId, ...values)
            .run()
        : await db
            .prepare(
              `UPDATE profiles SET displayname = ?, avatar_url = ?, fields = ?, updated_ts = ?, version = version + 1
               WHERE user_id = ? AND version = ?`,
            )
            .bind(...values, userId, row.version)
            .run();
    if (written.meta.changes === 1) return ok({ before, after });
  }
  throw new Error(`profile of ${userId}: too many concurrent updates`);
}

/** The displayname and avatar_url for `userId`'s m.room.member join content; empty for users with no profile here. */
export async function memberProfileContent(db: D1Database, userId: string): Promise<MemberProfileContent> {
  const profile = await readProfile(db, userId);
  return profile === undefined ? {} : memberContentOf(profile);
}

export const memberContentOf = (profile: Profile): MemberProfileContent => ({
  ...(profile.displayname === null ? {} : { displayname: profile.displayname }),
  ...(profile.avatarUrl === null ? {} : { avatar_url: profile.avatarUrl }),
});

/** The same, named as the room commands (Membership, CreateRoom) take it. */
export const memberCommandFields = (content: MemberProfileContent): { displayname?: string; avatarUrl?: string } => ({
  ...(content.displayname === undefined ? {} : { displayname: content.displayname }),
  ...(content.avatar_url === undefined ? {} : { avatarUrl: content.avatar_url }),
});
