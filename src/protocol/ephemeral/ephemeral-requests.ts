// The bodies of PUT /typing, POST /receipt and POST /read_markers, checked against the spec's schemas.
import { isValidEventId } from "../identifiers/event-id";
import type { JsonObject } from "../json-value";
import { err, ok, type Result } from "../result";
import { MAIN_THREAD } from "./receipt-events";

/** A body the spec's schema refuses (M_BAD_JSON), or a value of the right type that makes no sense (M_INVALID_PARAM). */
export interface EphemeralRequestError {
  readonly reason: "bad_json" | "invalid_param";
  readonly message: string;
}

const badJson = (message: string) => err<EphemeralRequestError>({ reason: "bad_json", message });
const invalidParam = (message: string) => err<EphemeralRequestError>({ reason: "invalid_param", message });

/** Typing lasts this long when the client names no timeout. */
export const DEFAULT_TYPING_TIMEOUT_MS = 30_000;
/** Longer timeouts are cut to this, so a client that dies while "typing" is forgotten soon. */
export const MAX_TYPING_TIMEOUT_MS = 120_000;

export interface TypingRequest {
  readonly typing: boolean;
  /** Already capped; 0 when not typing. */
  readonly timeoutMs: number;
}

/** `{typing, timeout}`: `typing` is required; `timeout` is an integer of milliseconds, optional. */
export function parseTypingBody(body: JsonObject): Result<TypingRequest, EphemeralRequestError> {
  const typing = body["typing"];
  if (typeof typing !== "boolean") return badJson("typing must be true or false");
  const timeout = body["timeout"];
  if (timeout !== undefined && (typeof timeout !== "number" || !Number.isInteger(timeout))) return badJson("timeout must be an integer");
  if (typeof timeout === "number" && timeout < 0) return invalidParam("timeout must not be negative");
  if (!typing) return ok({ typing, timeoutMs: 0 });
  return ok({ typing, timeoutMs: Math.min(timeout ?? DEFAULT_TYPING_TIMEOUT_MS, MAX_TYPING_TIMEOUT_MS) });
}

/**
 * The `thread_id` of a receipt body: undefined for an unthreaded receipt, else `main` or a thread
 * root's event ID. Spec 400 M_INVALID_PARAM when it is not a string, is empty, or is given for a
 * receipt type that has no threads (m.fully_read).
 */
export function parseReceiptThread(body: JsonObject, threaded: boolean): Result<string | undefined, EphemeralRequestError> {
  const threadId = body["thread_id"];
  if (threadId === undefined) return ok(undefined);
  if (typeof threadId !== "string" || threadId === "") return invalidParam("thread_id field must be a non-empty string");
  if (!threaded) return invalidParam("thread_id is not allowed for this receipt type");
  if (threadId !== MAIN_THREAD && !isValidEventId(threadId)) return invalidParam("thread_id must be 'main' or the event ID of a thread root");
  return ok(threadId);
}

export interface ReadMarkersRequest {
  readonly fullyRead?: string;
  readonly read?: string;
  readonly readPrivate?: string;
}

const MARKER_FIELDS = [
  ["m.fully_read", "fullyRead"],
  ["m.read", "read"],
  ["m.read.private", "readPrivate"],
] as const;

/** The three optional event IDs of a /read_markers body (none is required since v1.4). */
export function parseReadMarkersBody(body: JsonObject): Result<ReadMarkersRequest, EphemeralRequestError> {
  const out: { fullyRead?: string; read?: string; readPrivate?: string } = {};
  for (const [field, key] of MARKER_FIELDS) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") return badJson(`${field} must be an event ID`);
    out[key] = value;
  }
  return ok(out);
}
