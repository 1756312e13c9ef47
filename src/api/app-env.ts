// The Hono environment every route shares: the bindings and the request's platform services.
import type { Env } from "../platform/env";
import type { ServicesFor } from "../platform/services";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** How this request's platform services are built (live bindings, or fixed ones in tests). */
    services: ServicesFor;
  };
};
