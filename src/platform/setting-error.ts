// An optional feature's setting (TURN, presence timing) is unusable: the request fails as a server fault, never a guess.
import { Data } from "effect";

export class SettingError extends Data.TaggedError("SettingError")<{
  readonly reason: "bad_turn_setting" | "bad_presence_setting";
  readonly setting: string;
  readonly detail: string;
}> {}
