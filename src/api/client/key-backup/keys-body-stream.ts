// The body of GET /room_keys/keys and /room_keys/keys/{roomId}, written page by page as it is read,
// so a backup of tens of thousands of keys never sits whole in a Worker's memory.
import type { KeyCursor, StoredBackupKey } from "../../../accounts/key-backup-store";

/** Keys read per D1 query: large pages keep a big backup within the per-request query limit. */
export const KEYS_PAGE_SIZE = 2000;

/** `backup`: `{"rooms": {room: {"sessions": {…}}}}`; `room`: `{"sessions": {…}}` (spec). */
export type KeysBodyShape = "backup" | "room";

/**
 * Streams the keys as the spec's JSON. `first` is the first page (already read, so a missing backup
 * was answered with 404 before any byte); `next` reads the page after a cursor. The stored key JSON
 * is written as is; room and session IDs are escaped as JSON strings.
 */
export function keysBodyStream(
  shape: KeysBodyShape,
  first: readonly StoredBackupKey[],
  next: (after: KeyCursor) => Promise<readonly StoredBackupKey[]>,
  pageSize = KEYS_PAGE_SIZE,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let page: readonly StoredBackupKey[] | undefined = first;
  let started = false;
  /** With `backup`: the room whose sessions object is open. */
  let openRoom: string | undefined;
  /** Whether the open sessions object already holds a session (so the next needs a comma). */
  let sessionWritten = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (page === undefined) return;
      const current = page;
      let text = "";
      if (!started) text = shape === "backup" ? '{"rooms":{' : '{"sessions":{';
      started = true;
      for (const key of current) {
        if (shape === "backup" && key.roomId !== openRoom) {
          text += `${openRoom === undefined ? "" : "}},"}${JSON.stringify(key.roomId)}:{"sessions":{`;
          openRoom = key.roomId;
          sessionWritten = false;
        }
        text += `${sessionWritten ? "," : ""}${JSON.stringify(key.sessionId)}:${key.keyJson}`;
        sessionWritten = true;
      }
      const last = current[current.length - 1];
      page = current.length < pageSize || last === undefined ? undefined : await next(last);
      if (page !== undefined && page.length === 0) page = undefined;
      if (page === undefined) text += shape === "backup" ? `${openRoom === undefined ? "" : "}}"}}}` : "}}";
      controller.enqueue(encoder.encode(text));
      if (page === undefined) controller.close();
    },
  });
}
