// The contract between event authorization and its callers (checks on receipt, state resolution).
import type { RoomEvent } from "../pdu";

/** Looks up the state entry (type, state_key) in whatever state the check runs against. */
export type StateLookup = (type: string, stateKey: string) => RoomEvent | undefined;

/** Why an event failed the auth rules; `rule` is the spec's rule number, e.g. "5.3.2". */
export interface AuthRejection {
  readonly _tag: "AuthRejection";
  readonly rule: string;
  readonly reason: string;
}
