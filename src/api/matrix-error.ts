// The Matrix "standard error response" as one tagged value: status, errcode, message, extra fields.
import { Data } from "effect";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JsonObject } from "../protocol/json-value";

export class MatrixError extends Data.TaggedError("MatrixError")<{
  readonly status: ContentfulStatusCode;
  readonly errcode: string;
  /** The human-readable `error` field; never a stack trace or an internal detail. */
  readonly message: string;
  /** Fields some errcodes add, e.g. `retry_after_ms` or `room_version`. */
  readonly extra?: JsonObject;
  /** Response headers some errors need, e.g. `Retry-After` on 429. */
  readonly headers?: Readonly<Record<string, string>>;
}> {}

export const matrixError = (
  status: ContentfulStatusCode,
  errcode: string,
  message: string,
  extra?: JsonObject,
): MatrixError => new MatrixError({ status, errcode, message, ...(extra === undefined ? {} : { extra }) });

/** The response body: the extra fields first, so they can never override `errcode` or `error`. */
export const matrixErrorBody = (error: MatrixError): JsonObject => ({
  ...error.extra,
  errcode: error.errcode,
  error: error.message,
});
