// What a notary is asked (spec "Querying Keys Through Another Server"): the POST body and the GET parameters, read strictly.
import { isValidServerName } from "../identifiers/server-name";
import { isJsonObject } from "../json-value";
import { err, ok, type Result } from "../result";

/** A server whose keys are asked for; no key IDs means all of them. */
export interface NotaryCriteria {
  readonly serverName: string;
  readonly keyIds: readonly string[];
  /** The latest of the asked `minimum_valid_until_ts`; undefined: the notary's current time. */
  readonly minimumValidUntilTs: number | undefined;
}

export type NotaryQueryError = {
  readonly _tag: "NotaryQueryError";
  /** bad_body: the POST body breaks the schema (M_BAD_JSON); bad_param: a path or query parameter (M_INVALID_PARAM). */
  readonly reason: "bad_body" | "bad_param";
  readonly message: string;
};

/** A bulk query fans out to at most this many servers, so one request cannot make us fetch from thousands. */
export const MAX_NOTARY_SERVERS = 50;

const fail = (reason: NotaryQueryError["reason"], message: string): Result<never, NotaryQueryError> =>
  err({ _tag: "NotaryQueryError", reason, message });

const isTimestamp = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value);

/** The body of POST /_matrix/key/v2/query. */
export function parseNotaryBody(body: unknown): Result<readonly NotaryCriteria[], NotaryQueryError> {
  if (!isJsonObject(body)) return fail("bad_body", "the body is not an object");
  const serverKeys = body["server_keys"];
  if (!isJsonObject(serverKeys)) return fail("bad_body", "server_keys must be an object");
  const names = Object.keys(serverKeys);
  if (names.length > MAX_NOTARY_SERVERS) return fail("bad_body", `at most ${MAX_NOTARY_SERVERS} servers per query`);
  const criteria: NotaryCriteria[] = [];
  for (const serverName of names) {
    if (!isValidServerName(serverName)) return fail("bad_body", `${serverName} is not a server name`);
    const keys = serverKeys[serverName];
    if (!isJsonObject(keys)) return fail("bad_body", `server_keys.${serverName} must be an object`);
    let minimum: number | undefined;
    for (const [keyId, query] of Object.entries(keys)) {
      if (!isJsonObject(query)) return fail("bad_body", `server_keys.${serverName}.${keyId} must be an object`);
      const ts = query["minimum_valid_until_ts"];
      if (ts === undefined) continue;
      if (!isTimestamp(ts)) return fail("bad_body", "minimum_valid_until_ts must be an integer");
      minimum = minimum === undefined ? ts : Math.max(minimum, ts);
    }
    criteria.push({ serverName, keyIds: Object.keys(keys), minimumValidUntilTs: minimum });
  }
  return ok(criteria);
}

/** GET /_matrix/key/v2/query/{serverName}?minimum_valid_until_ts= */
export function parseNotaryGet(serverName: string, minimumText: string | undefined): Result<NotaryCriteria, NotaryQueryError> {
  if (!isValidServerName(serverName)) return fail("bad_param", `${serverName} is not a server name`);
  if (minimumText === undefined) return ok({ serverName, keyIds: [], minimumValidUntilTs: undefined });
  if (!/^-?[0-9]{1,16}$/.test(minimumText) || !Number.isSafeInteger(Number(minimumText))) {
    return fail("bad_param", "minimum_valid_until_ts must be an integer");
  }
  return ok({ serverName, keyIds: [], minimumValidUntilTs: Number(minimumText) });
}

/** A cached response answers the criteria when it is valid long enough and holds every asked key. */
export function cachedAnswerSuffices(
  cached: { readonly validUntilTs: number; readonly keyIds: readonly string[] },
  criteria: NotaryCriteria,
  nowMs: number,
): boolean {
  if (cached.validUntilTs < (criteria.minimumValidUntilTs ?? nowMs)) return false;
  return criteria.keyIds.every((keyId) => cached.keyIds.includes(keyId));
}
