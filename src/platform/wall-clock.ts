// The wall clock as an Effect service, so tests can pin time (protocol/ never reads a clock).
import { Context, Layer } from "effect";

export interface WallClockShape {
  /** Milliseconds since the Unix epoch. */
  readonly nowMs: () => number;
}

export class WallClock extends Context.Service<WallClock, WallClockShape>()("platform/WallClock") {
  static readonly live: Layer.Layer<WallClock> = Layer.succeed(WallClock, { nowMs: () => Date.now() });

  static readonly fixed = (ms: number): Layer.Layer<WallClock> => Layer.succeed(WallClock, { nowMs: () => ms });
}
