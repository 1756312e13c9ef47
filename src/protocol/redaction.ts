// The redaction algorithm (room versions 1–12): what survives of an event once its non-essential parts are stripped.
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value";
import type { RoomVersionRules } from "./room-versions";

// Top-level keys every room version protects. `unsigned` is never among them: it is not covered by
// hashes or signatures, so a redacted copy must not carry it.
const BASE_TOP_LEVEL = [
  "event_id",
  "type",
  "room_id",
  "sender",
  "state_key",
  "content",
  "hashes",
  "signatures",
  "depth",
  "prev_events",
  "auth_events",
  "origin_server_ts",
] as const;
// Dropped from the protected list by room version 11.
const PRE_V11_TOP_LEVEL = ["prev_state", "origin", "membership"] as const;

const POWER_LEVEL_KEYS = ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"];

function pick(source: JsonObject, keys: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined && Object.prototype.hasOwnProperty.call(source, key)) out[key] = value;
  }
  return out;
}

/** The content keys a redacted event of `type` keeps under `rules`. */
function redactContent(rules: RoomVersionRules, type: JsonValue | undefined, content: JsonObject): JsonObject {
  const r = rules.redaction;
  switch (type) {
    case "m.room.member": {
      const kept = pick(content, r.keepJoinAuthorisedVia ? ["membership", "join_authorised_via_users_server"] : ["membership"]);
      if (r.v11) {
        // v11 keeps only `signed` under `third_party_invite`, so the invite's proof survives redaction.
        // An object without `signed` keeps an empty object, as the widely deployed implementations do,
        // so reference hashes agree with them.
        const invite = content["third_party_invite"];
        if (isJsonObject(invite)) kept["third_party_invite"] = pick(invite, ["signed"]);
      }
      return kept;
    }
    case "m.room.create":
      return r.v11 ? content : pick(content, ["creator"]);
    case "m.room.join_rules":
      return pick(content, r.keepJoinRulesAllow ? ["join_rule", "allow"] : ["join_rule"]);
    case "m.room.power_levels":
      return pick(content, r.v11 ? [...POWER_LEVEL_KEYS, "invite"] : POWER_LEVEL_KEYS);
    case "m.room.history_visibility":
      return pick(content, ["history_visibility"]);
    case "m.room.aliases":
      return r.keepAliases ? pick(content, ["aliases"]) : {};
    case "m.room.redaction":
      return r.v11 ? pick(content, ["redacts"]) : {};
    default:
      return {};
  }
}

/**
 * Redacts `event` for the room version `rules`: keeps exactly the protected top-level keys and the
 * content keys the version lists for the event's type. The result always has a `content` object.
 */
export function redactEvent(rules: RoomVersionRules, event: JsonObject): JsonObject {
  const topLevel: readonly string[] = rules.redaction.v11 ? BASE_TOP_LEVEL : [...BASE_TOP_LEVEL, ...PRE_V11_TOP_LEVEL];
  const out = pick(event, topLevel);
  const content = event["content"];
  out["content"] = redactContent(rules, event["type"], isJsonObject(content) ? content : {});
  return out;
}
