// Federation settings from the worker's vars: whether plain http may be used towards loopback servers.
import { err, ok, type Result } from "../protocol/result";

export type FederationSettingError = {
  readonly _tag: "FederationSettingError";
  readonly reason: "bad_allow_http";
  readonly detail: string;
};

export interface FederationSettings {
  /**
   * ALLOW_HTTP_FEDERATION: when on, servers whose name resolves to a loopback host (localhost,
   * *.localhost, 127.0.0.0/8, ::1) are contacted over plain http, so two local instances on
   * different ports can federate (DESIGN §4). Never applies to other hosts. Off unless set.
   */
  readonly allowHttpLoopback: boolean;
}

const ON = new Set(["on", "true", "1", "yes"]);
const OFF = new Set(["", "off", "false", "0", "no"]);

/** Reads the vars; an unreadable value is an error rather than a guess, so a typo cannot switch security off or on. */
export function readFederationSettings(env: { readonly ALLOW_HTTP_FEDERATION?: string }): Result<FederationSettings, FederationSettingError> {
  const text = (env.ALLOW_HTTP_FEDERATION ?? "").trim().toLowerCase();
  if (ON.has(text)) return ok({ allowHttpLoopback: true });
  if (OFF.has(text)) return ok({ allowHttpLoopback: false });
  return err({ _tag: "FederationSettingError", reason: "bad_allow_http", detail: `ALLOW_HTTP_FEDERATION=${env.ALLOW_HTTP_FEDERATION ?? ""}` });
}
