// The transactional outbox: log entries written with the append, sent to the queue afterwards, retried by the alarm.

/** The part of a Queue binding the outbox uses (tests put a failing one in its place). */
export interface OutboxQueue {
  sendBatch(messages: Iterable<MessageSendRequest<unknown>>): Promise<unknown>;
}

export interface OutboxScheduler {
  /** Ensures an alarm fires no later than `at`. */
  readonly schedule: (at: number) => void;
  /** Called when the outbox is empty: no alarm is needed any more. */
  readonly clear: () => void;
  readonly now: () => number;
}

/** A queue batch holds at most 100 messages and 256 KB; stay under both. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 200_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export const retryDelayMs = (attempts: number): number => Math.min(1000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);

type OutboxRow = { seq: number; message_json: string; attempts: number };

export class RoomOutbox {
  /** Drains run one after another, so a row is never sent by two drains at once. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: SqlStorage,
    public queue: OutboxQueue,
    private readonly scheduler: OutboxScheduler,
  ) {}

  pending(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox`).one().n;
  }

  /** Sends everything in the outbox; on failure leaves the rest for the alarm. Never throws. */
  flush(): Promise<void> {
    const run = this.tail.then(() => this.drain());
    this.tail = run.catch(() => undefined);
    return this.tail;
  }

  private nextBatch(): OutboxRow[] {
    const rows = this.sql.exec<OutboxRow>(`SELECT seq, message_json, attempts FROM outbox ORDER BY seq LIMIT ?`, MAX_BATCH_MESSAGES).toArray();
    const batch: OutboxRow[] = [];
    let bytes = 0;
    for (const row of rows) {
      if (batch.length > 0 && bytes + row.message_json.length > MAX_BATCH_BYTES) break;
      batch.push(row);
      bytes += row.message_json.length;
    }
    return batch;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = this.nextBatch();
      if (batch.length === 0) {
        this.scheduler.clear();
        return;
      }
      try {
        await this.queue.sendBatch(batch.map((row) => ({ body: JSON.parse(row.message_json) as unknown })));
      } catch {
        const attempts = Math.max(...batch.map((r) => r.attempts)) + 1;
        for (const row of batch) this.sql.exec(`UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?`, row.seq);
        this.scheduler.schedule(this.scheduler.now() + retryDelayMs(attempts));
        return;
      }
      for (const row of batch) this.sql.exec(`DELETE FROM outbox WHERE seq = ?`, row.seq);
    }
  }
}
