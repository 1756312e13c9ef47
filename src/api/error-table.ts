// The one table from domain errors to Matrix errcodes and HTTP statuses, and the conversion using it.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AccountError } from "../accounts/account-errors";
import type { Rejection } from "../durable/room-client";
import type { JsonObject } from "../protocol/json-value";
import type { E2eeKeyError } from "../protocol/e2ee/key-error";
import type { DehydratedDeviceError } from "../protocol/dehydrated-device/dehydrated-device-error";
import type { KeyBackupError } from "../protocol/key-backup/key-backup-error";
import type { NotaryQueryError } from "../protocol/federation/notary-query";
import type { FederationSettingError } from "../platform/federation-settings";
import type { FederationQueryError } from "../protocol/federation/query-error";
import type { FederationAuthError } from "./federation/server-auth";
import type { MediaError } from "../protocol/media/media-error";
import type { StrictJsonError } from "../protocol/strict-json";
import type { ConfigError } from "../platform/config-error";
import type { SettingError } from "../platform/setting-error";
import type { SigningKeyStoreError } from "../platform/signing-key-store";
import type { InvalidFilter } from "../protocol/filters/parse-filter";
import type { InvalidPushRule, PushRuleNotFound } from "../protocol/push/push-rule-error";
import type { RoomDirectoryError } from "../readmodels/room-directory-error";
import type { NotInRoom } from "../readmodels/room-messages";
import type { EventNotVisible } from "../readmodels/event-context";
import type { InvalidSearchToken } from "../readmodels/search";
import type { StillInRoom } from "../readmodels/forgotten-rooms";
import type { NoEventAtTimestamp } from "../readmodels/timestamp-to-event";
import type { ReportTargetNotFound } from "../readmodels/report-store";
import type { InvalidSyncToken } from "../readmodels/sync-token";
import type { UnknownPos } from "../readmodels/sliding-sync-response";
import type { SlidingSyncBodyError } from "../protocol/sliding-sync/sliding-sync-request";
import type { ProfileError } from "./client/profile/profile-error";
import type { EphemeralError } from "../readmodels/ephemeral-error";
import type { UserDataError } from "./client/user-data/user-data-error";
import type { RequestDecodeError } from "./decode-request";
import type { JsonBodyError } from "./json-body";
import { MatrixError } from "./matrix-error";

interface Mapping {
  readonly status: ContentfulStatusCode;
  readonly errcode: string;
  /** Shown instead of the error's own message: set for server faults, whose details stay in the log. */
  readonly fixedMessage?: string;
  /** Fields the errcode calls for, e.g. `soft_logout` on M_UNKNOWN_TOKEN. */
  readonly extra?: JsonObject;
  readonly headers?: Readonly<Record<string, string>>;
}

type Reasons<E extends { readonly reason: string }> = Readonly<Record<E["reason"], Mapping>>;

const INTERNAL: Mapping = { status: 500, errcode: "M_UNKNOWN", fixedMessage: "Internal server error" };
const NOT_JSON: Mapping = { status: 400, errcode: "M_NOT_JSON" };
const BAD_JSON: Mapping = { status: 400, errcode: "M_BAD_JSON" };
const NOT_FOUND: Mapping = { status: 404, errcode: "M_NOT_FOUND" };
const INVALID_PARAM: Mapping = { status: 400, errcode: "M_INVALID_PARAM" };
/** The session is gone for good: the client must discard it (spec "Soft logout"). */
const HARD_LOGOUT: Mapping = { status: 401, errcode: "M_UNKNOWN_TOKEN", extra: { soft_logout: false } };

/** Every domain error that can reach HTTP, by tag and reason. Adding an error type means adding it here. */
const TABLE: {
  readonly StrictJsonError: Reasons<StrictJsonError>;
  readonly JsonBodyError: Reasons<JsonBodyError>;
  readonly RequestDecodeError: Reasons<RequestDecodeError>;
  readonly ConfigError: Reasons<ConfigError>;
  readonly SettingError: Reasons<SettingError>;
  readonly SigningKeyStoreError: Reasons<SigningKeyStoreError>;
  readonly UserDataError: Reasons<UserDataError>;
  readonly InvalidFilter: Reasons<InvalidFilter>;
  readonly RoomDirectoryError: Reasons<RoomDirectoryError>;
  readonly InvalidPushRule: Reasons<InvalidPushRule>;
  readonly PushRuleNotFound: Reasons<PushRuleNotFound>;
  readonly ProfileError: Reasons<ProfileError>;
  readonly EphemeralError: Reasons<EphemeralError>;
  readonly E2eeKeyError: Reasons<E2eeKeyError>;
  readonly KeyBackupError: Reasons<KeyBackupError>;
  readonly DehydratedDeviceError: Reasons<DehydratedDeviceError>;
  readonly MediaError: Reasons<MediaError>;
  readonly FederationAuthError: Reasons<FederationAuthError>;
  readonly NotaryQueryError: Reasons<NotaryQueryError>;
  readonly FederationSettingError: Reasons<FederationSettingError>;
  readonly FederationQueryError: Reasons<FederationQueryError>;
  readonly SlidingSyncBodyError: Reasons<SlidingSyncBodyError>;
} & {
  // Account errors carry a human-readable reason, so they map by tag alone and show the reason.
  readonly [Tag in AccountError["_tag"]]: Mapping;
} & {
  // Room command rejections, sync tokens and read permissions: also human-readable reasons.
  readonly [Tag in Rejection["_tag"] | InvalidSyncToken["_tag"] | NotInRoom["_tag"] | EventNotVisible["_tag"] | InvalidSearchToken["_tag"] | StillInRoom["_tag"] | NoEventAtTimestamp["_tag"] | ReportTargetNotFound["_tag"] | UnknownPos["_tag"]]: Mapping;
} = {
  // Text that is not JSON is M_NOT_JSON; JSON that breaks Matrix's stricter rules (RFC 8259 only
  // says names SHOULD be unique; integers must fit the canonical-JSON range) is M_BAD_JSON.
  StrictJsonError: {
    syntax: NOT_JSON,
    lone_surrogate: NOT_JSON,
    duplicate_key: BAD_JSON,
    invalid_number: BAD_JSON,
    too_deep: BAD_JSON,
  },
  JsonBodyError: {
    too_large: { status: 413, errcode: "M_TOO_LARGE" },
    unreadable: NOT_JSON,
    not_utf8: NOT_JSON,
    not_object: BAD_JSON,
  },
  RequestDecodeError: {
    bad_json: BAD_JSON,
    missing_param: { status: 400, errcode: "M_MISSING_PARAM" },
    invalid_param: { status: 400, errcode: "M_INVALID_PARAM" },
  },
  ConfigError: {
    bad_server_name: INTERNAL,
    bad_public_base_url: INTERNAL,
    bad_registration: INTERNAL,
    bad_key_validity: INTERNAL,
    bad_signing_key_seed: INTERNAL,
    bad_rate_limit: INTERNAL,
  },
  // An unusable TURN or presence-timing setting: a server fault, the details go to the log.
  SettingError: { bad_turn_setting: INTERNAL, bad_presence_setting: INTERNAL },
  SigningKeyStoreError: { storage_failed: INTERNAL, corrupt_key: INTERNAL },
  UserDataError: {
    other_user: { status: 403, errcode: "M_FORBIDDEN" },
    not_found: NOT_FOUND,
    // The spec's answer for account data types the server manages (m.fully_read, m.push_rules).
    server_managed: { status: 405, errcode: "M_BAD_JSON" },
    bad_tag: INVALID_PARAM,
  },
  // An uploaded filter definition the spec's schema does not allow (a body, hence M_BAD_JSON).
  InvalidFilter: { not_object: BAD_JSON, invalid_field: BAD_JSON },
  RoomDirectoryError: {
    // The spec's own example errcode for an alias that already exists.
    alias_taken: { status: 409, errcode: "M_UNKNOWN" },
    room_alias_in_use: { status: 400, errcode: "M_ROOM_IN_USE" },
    alias_not_found: NOT_FOUND,
    invalid_alias: INVALID_PARAM,
    bad_alias: { status: 400, errcode: "M_BAD_ALIAS" },
    forbidden: { status: 403, errcode: "M_FORBIDDEN" },
    room_not_found: NOT_FOUND,
    invalid_param: INVALID_PARAM,
  },
  // Push rule paths and query parameters are M_INVALID_PARAM; a rule body the spec does not allow is M_BAD_JSON.
  InvalidPushRule: {
    invalid_kind: INVALID_PARAM,
    invalid_rule_id: INVALID_PARAM,
    relative_to_default: INVALID_PARAM,
    unknown_relative_rule: INVALID_PARAM,
    default_rule_not_deletable: INVALID_PARAM,
    invalid_body: BAD_JSON,
    invalid_action: BAD_JSON,
    invalid_condition: BAD_JSON,
    missing_pattern: BAD_JSON,
  },
  PushRuleNotFound: { not_found: NOT_FOUND },
  ProfileError: {
    other_user: { status: 403, errcode: "M_FORBIDDEN" },
    guest_field: { status: 403, errcode: "M_FORBIDDEN" },
    not_found: NOT_FOUND,
    bad_key: INVALID_PARAM,
    missing_value: { status: 400, errcode: "M_MISSING_PARAM" },
    bad_type: BAD_JSON,
    invalid_value: INVALID_PARAM,
    // The spec answers an over-size profile with 400, not the usual 413 of M_TOO_LARGE.
    too_large: { status: 400, errcode: "M_TOO_LARGE" },
  },
  // Typing, receipts, read markers and presence.
  EphemeralError: {
    other_user: { status: 403, errcode: "M_FORBIDDEN" },
    not_joined: { status: 403, errcode: "M_FORBIDDEN" },
    event_not_found: NOT_FOUND,
    // Spec GET /presence/{userId}/status: 404 for no such user, 403 for one whose presence is not shared with the caller.
    unknown_user: NOT_FOUND,
    presence_hidden: { status: 403, errcode: "M_FORBIDDEN" },
    bad_json: BAD_JSON,
    invalid_param: INVALID_PARAM,
  },
  // The /keys routes (spec "End-to-end encryption" and /keys/device_signing/upload's 400 and 403 answers).
  E2eeKeyError: {
    bad_json: BAD_JSON,
    invalid_param: INVALID_PARAM,
    missing_param: { status: 400, errcode: "M_MISSING_PARAM" },
    invalid_signature: { status: 400, errcode: "M_INVALID_SIGNATURE" },
    forbidden: { status: 403, errcode: "M_FORBIDDEN" },
  },
  // The /room_keys routes (spec "Server-side key backups"); wrong_version's answer also carries
  // `current_version`, which the route adds (src/api/client/key-backup/key-backup-request.ts).
  KeyBackupError: {
    bad_json: BAD_JSON,
    invalid_param: INVALID_PARAM,
    no_backup: NOT_FOUND,
    unknown_version: NOT_FOUND,
    key_not_found: NOT_FOUND,
    wrong_version: { status: 403, errcode: "M_WRONG_ROOM_KEYS_VERSION" },
    too_large: { status: 413, errcode: "M_TOO_LARGE" },
  },
  // The content repository (spec "Content repository", its upload, create, download and thumbnail answers).
  MediaError: {
    not_found: NOT_FOUND,
    not_yet_uploaded: { status: 504, errcode: "M_NOT_YET_UPLOADED" },
    too_large: { status: 413, errcode: "M_TOO_LARGE" },
    cannot_overwrite: { status: 409, errcode: "M_CANNOT_OVERWRITE_MEDIA" },
    forbidden: { status: 403, errcode: "M_FORBIDDEN" },
    limit_exceeded: { status: 429, errcode: "M_LIMIT_EXCEEDED" },
    invalid_param: INVALID_PARAM,
    missing_param: { status: 400, errcode: "M_MISSING_PARAM" },
    cannot_thumbnail: { status: 400, errcode: "M_UNKNOWN" },
    thumbnail_too_large: { status: 413, errcode: "M_TOO_LARGE" },
    bad_config: INTERNAL,
  },
  // The /dehydrated_device routes (MSC3814: no device is 404 M_NOT_FOUND, /events for another device 403 M_FORBIDDEN).
  DehydratedDeviceError: {
    bad_json: BAD_JSON,
    invalid_param: INVALID_PARAM,
    // The ID names one of the user's logged-in devices, which a dehydrated device must not replace.
    device_in_use: INVALID_PARAM,
    not_found: NOT_FOUND,
    forbidden: { status: 403, errcode: "M_FORBIDDEN" },
  },
  UserInUse: { status: 400, errcode: "M_USER_IN_USE" },
  InvalidUsername: { status: 400, errcode: "M_INVALID_USERNAME" },
  UserNotFound: NOT_FOUND,
  DeviceNotFound: NOT_FOUND,
  UnknownToken: HARD_LOGOUT,
  // Expired, not revoked: the client may refresh, or log in again keeping its device and keys.
  TokenExpired: { status: 401, errcode: "M_UNKNOWN_TOKEN", extra: { soft_logout: true } },
  RefreshTokenReused: HARD_LOGOUT,
  // Nothing was revoked; the client only has to repeat the call in a moment.
  RefreshConflict: {
    status: 429,
    errcode: "M_LIMIT_EXCEEDED",
    extra: { retry_after_ms: 1000 },
    headers: { "Retry-After": "1" },
  },
  UserLocked: { status: 401, errcode: "M_USER_LOCKED", extra: { soft_logout: true } },
  UserDeactivated: { status: 403, errcode: "M_USER_DEACTIVATED" },
  RegistrationTokenInvalid: { status: 401, errcode: "M_UNAUTHORIZED" },
  RegistrationTokenExists: INVALID_PARAM,
  RegistrationTokenParamInvalid: INVALID_PARAM,
  RegistrationTokenNotFound: NOT_FOUND,
  UiaSessionUnknown: { status: 400, errcode: "M_UNKNOWN" },
  // Synapse's answer too: the request changed while it was being authenticated.
  UiaSessionMismatch: { status: 403, errcode: "M_FORBIDDEN" },
  // The auth rules (or a client-server permission rule) refused the event: not joined, too little power.
  Forbidden: { status: 403, errcode: "M_FORBIDDEN" },
  NotFound: NOT_FOUND,
  // decide's bad input is the event the client described: content that is not canonical JSON, a bad field.
  BadRequest: BAD_JSON,
  // Content that makes the PDU exceed 65,536 bytes (spec "Size limits").
  TooLarge: { status: 413, errcode: "M_TOO_LARGE" },
  UnsupportedRoomVersion: { status: 400, errcode: "M_UNSUPPORTED_ROOM_VERSION" },
  InvalidRoomState: { status: 400, errcode: "M_INVALID_ROOM_STATE" },
  // Only after every fresh room ID collided, or a federation-only rejection reaching a client route.
  RoomExists: INTERNAL,
  MissingEvents: INTERNAL,
  Unavailable: { status: 503, errcode: "M_UNKNOWN", fixedMessage: "The room is temporarily unavailable; retry" },
  InvalidSyncToken: INVALID_PARAM,
  // Simplified sliding sync (MSC4186): a body field of the wrong type or out of bounds; a `pos` this server did not issue.
  SlidingSyncBodyError: { bad_json: BAD_JSON, invalid_param: INVALID_PARAM },
  UnknownPos: { status: 400, errcode: "M_UNKNOWN_POS" },
  NotInRoom: { status: 403, errcode: "M_FORBIDDEN" },
  // Unknown and not visible answer alike, so an event's existence does not leak (spec: GET /event, /context, /relations).
  EventNotVisible: NOT_FOUND,
  InvalidSearchToken: INVALID_PARAM,
  // POST /forget while joined, invited or knocking (the spec's 400 for "The user has not left the room").
  StillInRoom: { status: 400, errcode: "M_UNKNOWN" },
  // A second annotation with the same type and key on the same event (spec "Avoiding duplicate annotations").
  DuplicateAnnotation: { status: 400, errcode: "M_DUPLICATE_ANNOTATION" },
  // GET /timestamp_to_event found no visible event in the asked direction.
  NoEventAtTimestamp: NOT_FOUND,
  // A report of an event the reporter cannot see or of an unknown room: one 404, so nothing leaks (spec "Reporting content").
  ReportTargetNotFound: NOT_FOUND,
  // X-Matrix request authentication (spec "Request Authentication"); a header that does not parse
  // is a bad request, everything else that fails to prove the origin is 401.
  FederationAuthError: {
    missing_header: { status: 401, errcode: "M_UNAUTHORIZED" },
    malformed_header: { status: 400, errcode: "M_UNAUTHORIZED" },
    wrong_destination: { status: 401, errcode: "M_UNAUTHORIZED" },
    unknown_key: { status: 401, errcode: "M_UNAUTHORIZED" },
    bad_signature: { status: 401, errcode: "M_UNAUTHORIZED" },
  },
  // The notary's POST body and GET parameters (/_matrix/key/v2/query).
  NotaryQueryError: { bad_body: BAD_JSON, bad_param: INVALID_PARAM },
  FederationSettingError: { bad_allow_http: INTERNAL },
  // Inbound profile, directory, user devices and keys queries: only about our own users and aliases.
  FederationQueryError: {
    missing_param: { status: 400, errcode: "M_MISSING_PARAM" },
    invalid_param: INVALID_PARAM,
    bad_json: BAD_JSON,
    not_found: NOT_FOUND,
  },
};

const DEFAULT_MESSAGES: Readonly<Record<string, string>> = {
  StrictJsonError: "The request body is not valid JSON",
};

/** The Matrix error for any failure; anything the table does not know is an internal error (500). */
export function toMatrixError(failure: unknown): MatrixError {
  if (failure instanceof MatrixError) return failure;
  const mapping = lookup(failure);
  if (mapping === undefined) return new MatrixError({ status: 500, errcode: "M_UNKNOWN", message: "Internal server error" });
  const message = mapping.fixedMessage ?? describe(failure);
  return new MatrixError({
    status: mapping.status,
    errcode: mapping.errcode,
    message,
    ...(mapping.extra === undefined ? {} : { extra: mapping.extra }),
    ...(mapping.headers === undefined ? {} : { headers: mapping.headers }),
  });
}

/**
 * True when the failure is a server fault worth logging: a 5xx without an errcode of its own. A
 * 5xx the spec names (504 M_NOT_YET_UPLOADED for media still being uploaded) is a decided answer.
 */
export const isInternal = (failure: unknown): boolean => {
  const error = toMatrixError(failure);
  return error.status >= 500 && error.errcode === "M_UNKNOWN";
};

function lookup(failure: unknown): Mapping | undefined {
  if (typeof failure !== "object" || failure === null) return undefined;
  const { _tag: tag, reason } = failure as { readonly _tag?: unknown; readonly reason?: unknown };
  if (typeof tag !== "string" || typeof reason !== "string" || !Object.hasOwn(TABLE, tag)) return undefined;
  const entry: Mapping | Readonly<Record<string, Mapping>> = TABLE[tag as keyof typeof TABLE];
  if (isMapping(entry)) return entry;
  return Object.hasOwn(entry, reason) ? entry[reason] : undefined;
}

const isMapping = (entry: object): entry is Mapping => typeof (entry as { errcode?: unknown }).errcode === "string";

function describe(failure: unknown): string {
  const { _tag: tag, message, reason, position } = failure as {
    readonly _tag: string;
    readonly message?: unknown;
    readonly reason: string;
    readonly position?: unknown;
  };
  if (typeof message === "string" && message !== "") return message;
  if (!Object.hasOwn(DEFAULT_MESSAGES, tag) && isMapping(TABLE[tag as keyof typeof TABLE])) return reason;
  const where = typeof position === "number" ? ` at offset ${position}` : "";
  return `${DEFAULT_MESSAGES[tag] ?? "Invalid request"} (${reason.replaceAll("_", " ")}${where})`;
}
