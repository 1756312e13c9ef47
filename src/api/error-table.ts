// The one table from domain errors to Matrix errcodes and HTTP statuses, and the conversion using it.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { StrictJsonError } from "../protocol/strict-json";
import type { ConfigError } from "../platform/config-error";
import type { SigningKeyStoreError } from "../platform/signing-key-store";
import type { RequestDecodeError } from "./decode-request";
import type { JsonBodyError } from "./json-body";
import { MatrixError } from "./matrix-error";

interface Mapping {
  readonly status: ContentfulStatusCode;
  readonly errcode: string;
  /** Shown instead of the error's own message: set for server faults, whose details stay in the log. */
  readonly fixedMessage?: string;
}

type Reasons<E extends { readonly reason: string }> = Readonly<Record<E["reason"], Mapping>>;

const INTERNAL: Mapping = { status: 500, errcode: "M_UNKNOWN", fixedMessage: "Internal server error" };
const NOT_JSON: Mapping = { status: 400, errcode: "M_NOT_JSON" };
const BAD_JSON: Mapping = { status: 400, errcode: "M_BAD_JSON" };

/** Every domain error that can reach HTTP, by tag and reason. Adding an error type means adding it here. */
const TABLE: {
  readonly StrictJsonError: Reasons<StrictJsonError>;
  readonly JsonBodyError: Reasons<JsonBodyError>;
  readonly RequestDecodeError: Reasons<RequestDecodeError>;
  readonly ConfigError: Reasons<ConfigError>;
  readonly SigningKeyStoreError: Reasons<SigningKeyStoreError>;
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
  },
  SigningKeyStoreError: { storage_failed: INTERNAL, corrupt_key: INTERNAL },
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
  return new MatrixError({ status: mapping.status, errcode: mapping.errcode, message });
}

/** True when the failure is a server fault worth logging (never a client's bad input). */
export const isInternal = (failure: unknown): boolean => toMatrixError(failure).status >= 500;

function lookup(failure: unknown): Mapping | undefined {
  if (typeof failure !== "object" || failure === null) return undefined;
  const { _tag: tag, reason } = failure as { readonly _tag?: unknown; readonly reason?: unknown };
  if (typeof tag !== "string" || typeof reason !== "string" || !Object.hasOwn(TABLE, tag)) return undefined;
  const reasons: Readonly<Record<string, Mapping>> = TABLE[tag as keyof typeof TABLE];
  return Object.hasOwn(reasons, reason) ? reasons[reason] : undefined;
}

function describe(failure: unknown): string {
  const { _tag: tag, message, reason, position } = failure as {
    readonly _tag: string;
    readonly message?: unknown;
    readonly reason: string;
    readonly position?: unknown;
  };
  if (typeof message === "string" && message !== "") return message;
  const where = typeof position === "number" ? ` at offset ${position}` : "";
  return `${DEFAULT_MESSAGES[tag] ?? "Invalid request"} (${reason.replaceAll("_", " ")}${where})`;
}
