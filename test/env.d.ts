// Types the test environment: `env` from cloudflare:test is the app's Env.
import type { Env as AppEnv } from "../src/platform/env";

declare global {
  namespace Cloudflare {
    interface Env extends AppEnv {}
  }
  type D1Migration = { name: string; queries: string[] };
}
