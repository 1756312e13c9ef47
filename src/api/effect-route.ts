// Runs a route written as an Effect with the request's platform services; failures go through the error table.
import { Cause, Effect, Exit } from "effect";
import type { Context } from "hono";
import type { AppServices } from "../platform/services";
import type { AppEnv } from "./app-env";
import { logIfInternal } from "./error-handlers";
import { toMatrixError } from "./error-table";

export type RouteEffect = Effect.Effect<Response, unknown, AppServices>;

export function effectRoute(route: (c: Context<AppEnv>) => RouteEffect): (c: Context<AppEnv>) => Promise<Response> {
  return async (c) => {
    const services = c.var.services(c.env);
    const exit = await Effect.runPromiseExit(Effect.suspend(() => route(c)).pipe(Effect.provide(services)));
    if (Exit.isSuccess(exit)) return exit.value;
    const failure = Cause.squash(exit.cause);
    logIfInternal(c, failure);
    // Thrown as a MatrixError, so onError renders it like every other error.
    throw toMatrixError(failure);
  };
}
