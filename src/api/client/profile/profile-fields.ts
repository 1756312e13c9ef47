// Profile field rules: which key names exist, what each field accepts, and the 64 KiB total.
import { canonicalJsonBytes } from "../../../protocol/canonical-json";
import { parseServerName } from "../../../protocol/identifiers/server-name";
import type { JsonObject, JsonValue } from "../../../protocol/json-value";
import { err, ok, type Result } from "../../../protocol/result";
import type { Profile } from "../../../readmodels/profile-store";
import { ProfileError } from "./profile-error";

/** Spec: `avatar_url`, `displayname`, or a key in the Common Namespaced Identifier Grammar (at least one dot). */
const KEY_NAME = /^(avatar_url|displayname|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
/** The namespaced grammar's length cap. */
const MAX_KEY_LENGTH = 255;
/** Synapse's limits, which clients already live with; the spec leaves per-field limits to servers. */
export const MAX_DISPLAYNAME_LENGTH = 256;
export const MAX_AVATAR_URL_LENGTH = 1000;
/** Spec: "the total profile MUST be under 64 KiB". */
export const MAX_PROFILE_BYTES = 64 * 1024;

/** Spec "Matrix Content (mxc://) URIs": the media ID is only `A-Za-z0-9_-`. */
const MEDIA_ID = /^[A-Za-z0-9_-]+$/;

export const isMxcUri = (text: string): boolean => {
  if (!text.startsWith("mxc://")) return false;
  const rest = text.slice("mxc://".length);
  const slash = rest.indexOf("/");
  if (slash < 0) return false;
  return parseServerName(rest.slice(0, slash)).ok && MEDIA_ID.test(rest.slice(slash + 1));
};

const fail = (reason: ProfileError["reason"], message: string) => err(new ProfileError({ reason, message }));

export function checkKeyName(key: string): Result<string, ProfileError> {
  if (key.length > MAX_KEY_LENGTH || !KEY_NAME.test(key)) {
    return fail("bad_key", `${JSON.stringify(key.slice(0, 100))} is not a profile field name`);
  }
  return ok(key);
}

/** One field's value as GET /profile/{userId}/{keyName} sees it; undefined when not set. */
export function fieldValue(profile: Profile, key: string): JsonValue | undefined {
  if (key === "displayname") return profile.displayname ?? undefined;
  if (key === "avatar_url") return profile.avatarUrl ?? undefined;
  return Object.hasOwn(profile.fields, key) ? profile.fields[key] : undefined;
}

/**
 * A standard field's new value: a string, or null or "" to remove it. Clients send "" to clear
 * an avatar (some servers once failed on null), so both mean "not set" rather than storing "".
 */
function standardValue(key: "displayname" | "avatar_url", value: JsonValue): Result<string | null, ProfileError> {
  if (value === null || value === "") return ok(null);
  if (typeof value !== "string") return fail("bad_type", `${key} must be a string`);
  if (key === "displayname") {
    if (value.length > MAX_DISPLAYNAME_LENGTH) return fail("invalid_value", `displayname is longer than ${MAX_DISPLAYNAME_LENGTH} characters`);
    return ok(value);
  }
  if (value.length > MAX_AVATAR_URL_LENGTH) return fail("invalid_value", `avatar_url is longer than ${MAX_AVATAR_URL_LENGTH} characters`);
  if (!isMxcUri(value)) return fail("invalid_value", "avatar_url must be an mxc:// URI");
  return ok(value);
}

/** The profile with `key` set from the PUT body, or why the body cannot be stored. */
export function setField(profile: Profile, key: string, body: JsonObject): Result<Profile, ProfileError> {
  if (!Object.hasOwn(body, key)) return fail("missing_value", `The body must have a ${JSON.stringify(key)} property`);
  const value = body[key]!;
  let next: Profile;
  if (key === "displayname" || key === "avatar_url") {
    const checked = standardValue(key, value);
    if (!checked.ok) return checked;
    next = key === "displayname" ? { ...profile, displayname: checked.value } : { ...profile, avatarUrl: checked.value };
  } else {
    next = { ...profile, fields: { ...profile.fields, [key]: value } };
  }
  return withinSize(next);
}

/** The profile without `key`; removing a field that is not set changes nothing. */
export function deleteField(profile: Profile, key: string): Profile {
  if (key === "displayname") return { ...profile, displayname: null };
  if (key === "avatar_url") return { ...profile, avatarUrl: null };
  const { [key]: _removed, ...rest } = profile.fields;
  return { ...profile, fields: rest };
}

function withinSize(profile: Profile): Result<Profile, ProfileError> {
  const whole = {
    ...profile.fields,
    ...(profile.displayname === null ? {} : { displayname: profile.displayname }),
    ...(profile.avatarUrl === null ? {} : { avatar_url: profile.avatarUrl }),
  };
  if (canonicalJsonBytes(whole).length >= MAX_PROFILE_BYTES) {
    return fail("too_large", `The profile must stay under ${MAX_PROFILE_BYTES} bytes`);
  }
  return ok(profile);
}
