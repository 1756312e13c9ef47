// The /sync `filter` query parameter: inline JSON or the ID of a filter the caller uploaded, as a validated Filter.
import { Effect } from "effect";
import type { Context } from "hono";
import type { Filter } from "../../../protocol/filters/filter-definition";
import { parseFilter } from "../../../protocol/filters/parse-filter";
import { parseStrictJson } from "../../../protocol/strict-json";
import { loadFilter } from "../../../readmodels/filter-store";
import type { AuthedEnv } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";

const invalidParam = (message: string) => new RequestDecodeError({ reason: "invalid_param", message });

/**
 * Undefined when there is no filter. Spec: a value starting with `{` is inline JSON, anything else
 * a filter ID (which can never start with `{`). Both are query parameters, so every problem, an
 * unknown ID included, is 400 M_INVALID_PARAM.
 */
export function syncFilterParam(c: Context<AuthedEnv>): Effect.Effect<Filter | undefined, RequestDecodeError> {
  return Effect.gen(function* () {
    const text = c.req.query("filter");
    if (text === undefined || text === "") return undefined;
    let definition: unknown;
    if (text.trimStart().startsWith("{")) {
      const parsed = parseStrictJson(text, { allowFloats: false });
      if (!parsed.ok) return yield* Effect.fail(invalidParam("filter is not valid JSON"));
      definition = parsed.value;
    } else {
      definition = yield* Effect.promise(() => loadFilter(c.env.DB, c.var.requester.userId, text));
      if (definition === undefined) return yield* Effect.fail(invalidParam(`No filter with ID ${JSON.stringify(text.slice(0, 100))}`));
    }
    const filter = parseFilter(definition);
    if (!filter.ok) {
      const where = filter.error.path === "" ? "" : ` at ${filter.error.path}`;
      return yield* Effect.fail(invalidParam(`Invalid filter${where}: ${filter.error.message}`));
    }
    return filter.value;
  });
}
