// Hono's onError and notFound: every failure leaves as a standard error response, never a stack trace.
import type { Context, ErrorHandler, Hono, NotFoundHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { AppEnv } from "./app-env";
import { isInternal, toMatrixError } from "./error-table";
import { MatrixError, matrixErrorBody } from "./matrix-error";

export function renderMatrixError(c: Context<AppEnv>, error: MatrixError): Response {
  return c.json(matrixErrorBody(error), error.status, error.headers);
}

/**
 * Logs server faults with their detail (the client gets only M_UNKNOWN). A MatrixError is already
 * a decided answer (or was logged where it was made), so it is not logged again.
 */
export function logIfInternal(c: Context<AppEnv>, failure: unknown): void {
  if (failure instanceof MatrixError || !isInternal(failure)) return;
  console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, failure);
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  logIfInternal(c, error);
  return renderMatrixError(c, toMatrixError(error));
};

/**
 * Unknown endpoint: 404 M_UNRECOGNIZED. A known path asked with another method: 405
 * M_UNRECOGNIZED with `Allow` (spec: "Common error codes", M_UNRECOGNIZED).
 */
export function makeNotFound(app: Hono<AppEnv>): NotFoundHandler<AppEnv> {
  let known: { readonly router: TrieRouter<string>; readonly size: number } | undefined;
  return (c) => {
    if (known === undefined || known.size !== app.routes.length) known = { router: methodRouter(app), size: app.routes.length };
    const path = new URL(c.req.url).pathname;
    const methods = new Set(known.router.match("ALL", path)[0].map(([method]) => method));
    if (methods.size === 0) {
      return c.json({ errcode: "M_UNRECOGNIZED", error: "Unrecognized request" }, 404);
    }
    if (methods.has("GET")) methods.add("HEAD");
    methods.add("OPTIONS");
    return c.json({ errcode: "M_UNRECOGNIZED", error: `Method ${c.req.method} is not allowed here` }, 405, {
      Allow: [...methods].join(", "),
    });
  };
}

/** A router from path to the methods registered for it; middleware (method ALL) is left out. */
function methodRouter(app: Hono<AppEnv>): TrieRouter<string> {
  const router = new TrieRouter<string>();
  for (const route of app.routes) {
    if (route.method !== "ALL") router.add("ALL", route.path, route.method);
  }
  return router;
}
