// Room versions as data: each version is a set of rule flags read by auth, redaction, IDs and state-res.

export type StateResolutionAlgorithm = "v1" | "v2" | "v2.1";
/** v1: server-chosen `$local:server` IDs; v3: reference hash, standard base64; v4: URL-safe base64. */
export type EventIdFormat = "v1" | "v3" | "v4";

export interface RoomVersionRules {
  readonly id: string;
  readonly stateResolution: StateResolutionAlgorithm;
  readonly eventIdFormat: EventIdFormat;
  /** v5+: a signature only counts if the key was valid at the event's origin_server_ts. */
  readonly enforceKeyValidity: boolean;
  /** v1–v5: `m.room.aliases` has its own auth rule (rule 4 in v1–v5). */
  readonly specialCaseAliasesAuth: boolean;
  /** v6+: events must be canonical JSON (integers in range, no floats). */
  readonly strictCanonicalJson: boolean;
  /** v6+: the `notifications` key of power levels is checked in rule 10. */
  readonly limitNotificationsPowerLevels: boolean;
  /** v7+: `knock` membership and join rule. */
  readonly knocking: boolean;
  /** v8+: `restricted` join rule with `join_authorised_via_users_server`. */
  readonly restrictedJoins: boolean;
  /** v10+: `knock_restricted` join rule. */
  readonly knockRestrictedJoinRule: boolean;
  /** v10+: power level values must be integers (not strings). */
  readonly integerPowerLevels: boolean;
  /** v11+: the create event has no `creator`; the room creator is its `sender`. */
  readonly creatorIsSender: boolean;
  /** v11+: `redacts` is a content property of m.room.redaction rather than a top-level key. */
  readonly redactsInContent: boolean;
  /** v12: the room ID is the create event's reference hash with `!`; the create event has no room_id. */
  readonly roomIdFromCreateEvent: boolean;
  /** v12: the creators (create sender + additional_creators) have infinite power. */
  readonly privilegedCreators: boolean;
  readonly redaction: RedactionRules;
}

/** Which content the redaction algorithm keeps, per room version. */
export interface RedactionRules {
  /** v1–v5: m.room.aliases keeps `aliases`. */
  readonly keepAliases: boolean;
  /** v8+: m.room.join_rules keeps `allow`. */
  readonly keepJoinRulesAllow: boolean;
  /** v9+: m.room.member keeps `join_authorised_via_users_server`. */
  readonly keepJoinAuthorisedVia: boolean;
  /**
   * v11+: top-level `origin`, `membership`, `prev_state` are no longer kept; m.room.create keeps all
   * content; m.room.power_levels keeps `invite`; m.room.redaction keeps `redacts`; m.room.member
   * keeps `third_party_invite.signed`.
   */
  readonly v11: boolean;
}

const V1: RoomVersionRules = {
  id: "1",
  stateResolution: "v1",
  eventIdFormat: "v1",
  enforceKeyValidity: false,
  specialCaseAliasesAuth: true,
  strictCanonicalJson: false,
  limitNotificationsPowerLevels: false,
  knocking: false,
  restrictedJoins: false,
  knockRestrictedJoinRule: false,
  integerPowerLevels: false,
  creatorIsSender: false,
  redactsInContent: false,
  roomIdFromCreateEvent: false,
  privilegedCreators: false,
  redaction: { keepAliases: true, keepJoinRulesAllow: false, keepJoinAuthorisedVia: false, v11: false },
};
const V2: RoomVersionRules = { ...V1, id: "2", stateResolution: "v2" };
const V3: RoomVersionRules = { ...V2, id: "3", eventIdFormat: "v3" };
const V4: RoomVersionRules = { ...V3, id: "4", eventIdFormat: "v4" };
const V5: RoomVersionRules = { ...V4, id: "5", enforceKeyValidity: true };
const V6: RoomVersionRules = {
  ...V5,
  id: "6",
  specialCaseAliasesAuth: false,
  strictCanonicalJson: true,
  limitNotificationsPowerLevels: true,
  redaction: { ...V5.redaction, keepAliases: false },
};
const V7: RoomVersionRules = { ...V6, id: "7", knocking: true };
const V8: RoomVersionRules = {
  ...V7,
  id: "8",
  restrictedJoins: true,
  redaction: { ...V7.redaction, keepJoinRulesAllow: true },
};
const V9: RoomVersionRules = { ...V8, id: "9", redaction: { ...V8.redaction, keepJoinAuthorisedVia: true } };
const V10: RoomVersionRules = { ...V9, id: "10", knockRestrictedJoinRule: true, integerPowerLevels: true };
const V11: RoomVersionRules = {
  ...V10,
  id: "11",
  creatorIsSender: true,
  redactsInContent: true,
  redaction: { ...V10.redaction, v11: true },
};
const V12: RoomVersionRules = {
  ...V11,
  id: "12",
  stateResolution: "v2.1",
  roomIdFromCreateEvent: true,
  privilegedCreators: true,
};

export const ROOM_VERSIONS: ReadonlyMap<string, RoomVersionRules> = new Map(
  [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12].map((v) => [v.id, v]),
);

/** The version new rooms get unless the request or config names another. */
export const DEFAULT_ROOM_VERSION = "12";

export const roomVersionRules = (id: string): RoomVersionRules | undefined => ROOM_VERSIONS.get(id);
