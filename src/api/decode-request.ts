// Decoding request values (bodies, query and path parameters) with effect Schema into typed values.
import { Data, Effect, Schema, SchemaIssue } from "effect";

export class RequestDecodeError extends Data.TaggedError("RequestDecodeError")<{
  /** bad_json: a body field; missing_param / invalid_param: a query or path parameter. */
  readonly reason: "bad_json" | "missing_param" | "invalid_param";
  readonly message: string;
}> {}

/** `body` failures are M_BAD_JSON (spec: "missing required keys, invalid values"); `params` ones tell missing from invalid. */
export type DecodeStyle = "body" | "params";

export function decodeRequest<S extends Schema.Decoder<unknown>>(
  schema: S,
  value: unknown,
  style: DecodeStyle = "body",
): Effect.Effect<S["Type"], RequestDecodeError> {
  return Schema.decodeUnknownEffect(schema)(value, { errors: "all" }).pipe(
    Effect.mapError((error) => {
      const reason = style === "body" ? "bad_json" : hasMissingKey(error.issue) ? "missing_param" : "invalid_param";
      return new RequestDecodeError({ reason, message: formatIssue(error.issue) });
    }),
  );
}

const formatIssue = SchemaIssue.makeFormatterDefault();

function hasMissingKey(issue: SchemaIssue.Issue): boolean {
  if (issue._tag === "MissingKey") return true;
  if ("issues" in issue) return issue.issues.some(hasMissingKey);
  if ("issue" in issue) return hasMissingKey(issue.issue);
  return false;
}
