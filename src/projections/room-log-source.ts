// Where the projection reads a room's log directly: gap filling and replay (the room DO in production).

/** Read access to the room logs, injected so the consumer does not depend on the DO layer. */
export interface RoomLogSource {
  /**
   * The entries with `fromSeq <= seq <= toSeq`, in seq order. Returns what the log holds: fewer
   * entries than asked when the log ends earlier. Values are re-decoded by the caller.
   */
  readonly getEntries: (roomId: string, fromSeq: number, toSeq: number) => Promise<readonly unknown[]>;
}

/** Used until a log source is wired: every gap stays unfilled, so the batch stops without ack. */
export const noLogSource: RoomLogSource = {
  getEntries: async () => [],
};
