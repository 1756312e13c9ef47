// Reading a request's JSON body: size limit, strict parsing, object check, then a Schema decode.
import { readStreamLimited } from "../platform/bounded-read";
import { Data, Effect, type Schema } from "effect";
import { isJsonObject, type JsonObject } from "../protocol/json-value";
import { parseStrictJson, type StrictJsonError } from "../protocol/strict-json";
import { decodeRequest, type DecodeStyle, type RequestDecodeError } from "./decode-request";

export class JsonBodyError extends Data.TaggedError("JsonBodyError")<{
  /**
   * too_large: over the byte limit; unreadable: the body stream failed (client went away);
   * not_utf8: bytes that are not UTF-8 text; not_object: JSON, but not an object.
   */
  readonly reason: "too_large" | "unreadable" | "not_utf8" | "not_object";
  readonly message: string;
}> {}

/**
 * Big enough for the largest ordinary client body (a /keys/upload with many one-time keys, or
 * initial state in createRoom); media uploads do not come through here. Events have their own,
 * smaller, 64 KiB limit where they are built.
 */
export const DEFAULT_MAX_JSON_BODY_BYTES = 1024 * 1024;

export interface JsonBodyOptions {
  readonly maxBytes?: number;
  /** Accept fractions and exponents; off by default because most bodies end up in signed events. */
  readonly allowFloats?: boolean;
  /** Treat an empty body as `{}` (spec: the logout endpoints take an empty body). */
  readonly emptyAsObject?: boolean;
}

export type JsonBodyFailure = JsonBodyError | StrictJsonError;

/** The body as a JSON object, or the reason it is not one. */
export function readJsonObject(request: Request, options: JsonBodyOptions = {}): Effect.Effect<JsonObject, JsonBodyFailure> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_JSON_BODY_BYTES;
  return Effect.gen(function* () {
    const bytes = yield* readLimited(request, maxBytes);
    if (bytes.length === 0 && options.emptyAsObject === true) return {};
    const text = yield* decodeUtf8(bytes);
    const parsed = parseStrictJson(text, { allowFloats: options.allowFloats ?? false });
    if (!parsed.ok) return yield* Effect.fail(parsed.error);
    if (!isJsonObject(parsed.value)) {
      return yield* new JsonBodyError({ reason: "not_object", message: "The request body must be a JSON object" });
    }
    return parsed.value;
  });
}

/** The body decoded into `schema`'s type; every route that takes a JSON body reads it through this. */
export function readJsonBody<S extends Schema.Decoder<unknown>>(
  request: Request,
  schema: S,
  options: JsonBodyOptions & { readonly style?: DecodeStyle } = {},
): Effect.Effect<S["Type"], JsonBodyFailure | RequestDecodeError> {
  return readJsonObject(request, options).pipe(Effect.flatMap((body) => decodeRequest(schema, body, options.style)));
}

const tooLarge = (maxBytes: number) =>
  new JsonBodyError({ reason: "too_large", message: `The request body is larger than ${maxBytes} bytes` });

/** Reads at most `maxBytes`, stopping early rather than buffering whatever a client chooses to send. */
function readLimited(request: Request, maxBytes: number): Effect.Effect<Uint8Array, JsonBodyError> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return Effect.fail(tooLarge(maxBytes));
  const body = request.body;
  if (body === null) return Effect.succeed(new Uint8Array(0));
  const read = () => readStreamLimited(body, maxBytes);
  return Effect.tryPromise({
    try: read,
    catch: () => new JsonBodyError({ reason: "unreadable", message: "The request body could not be read" }),
  }).pipe(Effect.flatMap((bytes) => (bytes === undefined ? Effect.fail(tooLarge(maxBytes)) : Effect.succeed(bytes))));
}

function decodeUtf8(bytes: Uint8Array): Effect.Effect<string, JsonBodyError> {
  return Effect.try({
    try: () => new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes),
    catch: () => new JsonBodyError({ reason: "not_utf8", message: "The request body is not UTF-8 text" }),
  });
}
