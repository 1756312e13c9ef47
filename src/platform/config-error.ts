// The one error of the platform configuration: a setting in wrangler.toml or a secret is unusable.
import { Data } from "effect";

export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly reason:
    | "bad_server_name"
    | "bad_public_base_url"
    | "bad_registration"
    | "bad_key_validity"
    | "bad_signing_key_seed"
    | "bad_rate_limit";
  readonly setting: string;
  readonly detail: string;
}> {}
