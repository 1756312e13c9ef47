// User-interactive authentication (spec "User-Interactive Authentication API") for /register, password, devices, deactivation.
import { Effect } from "effect";
import type { Context } from "hono";
import { reserveRegistrationToken } from "../../../accounts/registration-token-store";
import {
  consumeUiaSession,
  createUiaSession,
  getUiaSession,
  recordUiaStage,
  type UiaSession,
  uiaRequestHash,
} from "../../../accounts/uia-session-store";
import { isJsonObject, type JsonObject } from "../../../protocol/json-value";
import { AuthConfig } from "../../../platform/server-config";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import type { AppEnv } from "../../app-env";
import { rateLimit } from "../../rate-limit";
import { checkPassword, INVALID_CREDENTIALS, namedUser } from "./password-check";

/** Long enough to fetch a token or type a password; short enough that stale sessions do not pile up. */
const UIA_SESSION_LIFETIME_MS = 15 * 60 * 1000;

export const DUMMY = "m.login.dummy";
export const REGISTRATION_TOKEN = "m.login.registration_token";
export const PASSWORD = "m.login.password";

export interface UiaRequest {
  /** The operation, e.g. "POST /register": a session never serves another one. */
  readonly route: string;
  /** The whole request body; its non-secret fields must stay the same for the whole session. */
  readonly body: JsonObject;
  /** The authenticated caller; null for registration. */
  readonly userId: string | null;
  readonly flows: readonly (readonly string[])[];
}

/** Either authentication is complete (the session is consumed) or the 401 body to answer with. */
export type UiaOutcome =
  | { readonly done: true; readonly session: UiaSession }
  | { readonly done: false; readonly challenge: JsonObject };

type UiaServices = WallClock | ServerConfig | AuthConfig;

export function userInteractiveAuth<E extends AppEnv>(c: Context<E>, request: UiaRequest): Effect.Effect<UiaOutcome, unknown, UiaServices> {
  return Effect.gen(function* () {
    const db = c.env.DB;
    const now = (yield* WallClock).nowMs();
    const requestHash = uiaRequestHash(request.body);
    const expect = { route: request.route, requestHash, userId: request.userId };
    const challenge = (sessionId: string, completed: readonly string[], error?: readonly [string, string]): UiaOutcome => ({
      done: false,
      challenge: {
        ...(error === undefined ? {} : { errcode: error[0], error: error[1] }),
        ...(completed.length === 0 ? {} : { completed: [...completed] }),
        flows: request.flows.map((stages) => ({ stages: [...stages] })),
        params: {},
        session: sessionId,
      },
    });
    const create = () =>
      Effect.promise(() => createUiaSession(db, { ...expect, now, lifetimeMs: UIA_SESSION_LIFETIME_MS }));

    const auth = request.body["auth"];
    // The spec: a request without auth never succeeds, even when the only stage is m.login.dummy.
    if (!isJsonObject(auth)) return challenge((yield* create()).sessionId, []);

    const sessionId = auth["session"];
    let session: UiaSession;
    if (typeof sessionId === "string") {
      const found = yield* Effect.promise(() => getUiaSession(db, sessionId, now, expect));
      if (!found.ok) return yield* Effect.fail(found.error);
      session = found.value;
    } else {
      // Some clients attempt the first stage straight away; give them a session to continue in.
      session = yield* create();
    }

    let completed = session.completed;
    const type = auth["type"];
    if (typeof type === "string" && !completed.includes(type)) {
      if (!request.flows.some((flow) => isNextStage(flow, completed, type))) {
        return challenge(session.sessionId, completed, ["M_UNAUTHORIZED", `${type} is not the next stage of any flow`]);
      }
      const attempt = yield* attemptStage(c, request, session, type, auth, now);
      if (!attempt.ok) return challenge(session.sessionId, completed, attempt.error);
      completed = attempt.completed;
    }
    if (!request.flows.some((flow) => flow.every((stage) => completed.includes(stage)))) {
      return challenge(session.sessionId, completed);
    }
    const consumed = yield* Effect.promise(() => consumeUiaSession(db, session.sessionId, now));
    if (!consumed.ok) return yield* Effect.fail(consumed.error);
    return { done: true, session: consumed.value };
  });
}

/** Stages must be completed in the flow's order: what is done so far is a prefix, and `type` comes next. */
const isNextStage = (flow: readonly string[], completed: readonly string[], type: string): boolean =>
  completed.every((stage, i) => flow[i] === stage) && flow[completed.length] === type;

type StageAttempt =
  | { readonly ok: true; readonly completed: readonly string[] }
  | { readonly ok: false; readonly error: readonly [string, string] };

function attemptStage<E extends AppEnv>(
  c: Context<E>,
  request: UiaRequest,
  session: UiaSession,
  type: string,
  auth: JsonObject,
  now: number,
): Effect.Effect<StageAttempt, unknown, UiaServices> {
  return Effect.gen(function* () {
    const db = c.env.DB;
    const record = () => Effect.promise(() => recordUiaStage(db, session.sessionId, type, now));
    switch (type) {
      case DUMMY: {
        const done = yield* record();
        return done.ok ? { ok: true, completed: done.value } : yield* Effect.fail(done.error);
      }
      case REGISTRATION_TOKEN: {
        const token = auth["token"];
        if (typeof token !== "string") return { ok: false, error: ["M_MISSING_PARAM", "auth.token is required"] } as const;
        const reserved = yield* Effect.promise(() => reserveRegistrationToken(db, session.sessionId, token, now));
        if (!reserved.ok) {
          if (reserved.error._tag === "UiaSessionUnknown") return yield* Effect.fail(reserved.error);
          return { ok: false, error: ["M_UNAUTHORIZED", "Invalid registration token"] } as const;
        }
        return { ok: true, completed: [...session.completed, REGISTRATION_TOKEN] };
      }
      case PASSWORD: {
        const userId = request.userId;
        const password = auth["password"];
        if (userId === null || typeof password !== "string") {
          return { ok: false, error: ["M_FORBIDDEN", INVALID_CREDENTIALS] } as const;
        }
        yield* rateLimit(c, "login", { account: userId });
        const serverName = (yield* ServerConfig).serverName;
        // The identifier, when given, must name the caller: re-authentication is as oneself.
        const user = namedUser(auth) ?? userId;
        const account = yield* Effect.promise(() => checkPassword(db, serverName, user, password));
        if (account === undefined || account.userId !== userId) {
          return { ok: false, error: ["M_FORBIDDEN", INVALID_CREDENTIALS] } as const;
        }
        const done = yield* record();
        return done.ok ? { ok: true, completed: done.value } : yield* Effect.fail(done.error);
      }
      default:
        return { ok: false, error: ["M_UNRECOGNIZED", `Unsupported authentication type ${type}`] } as const;
    }
  });
}
