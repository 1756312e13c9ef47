// Typed access to the typing Durable Object: one instance for the whole server.
import type { TypingDurableObject, TypingSnapshot } from "./typing-durable-object";

export type { TypingRoom, TypingSnapshot } from "./typing-durable-object";
export { TYPING_STREAM } from "./typing-durable-object";

const INSTANCE = "global";

/** What the typing route needs (setTyping) and what /sync needs (typingIn: readmodels' TypingReader). */
export interface TypingClient {
  /** Returns the typing position after the change; the object announces it to the sync notifier itself. */
  readonly setTyping: (roomId: string, userId: string, typing: boolean, timeoutMs: number) => Promise<number>;
  readonly typingIn: (roomIds: readonly string[], after: number | undefined) => Promise<TypingSnapshot>;
  readonly position: () => Promise<number>;
}

export function typingClient(namespace: DurableObjectNamespace<TypingDurableObject>): TypingClient {
  const stub = () => namespace.get(namespace.idFromName(INSTANCE));
  return {
    setTyping: async (roomId, userId, typing, timeoutMs) => await stub().setTyping(roomId, userId, typing, timeoutMs),
    typingIn: async (roomIds, after) => {
      const snapshot = await stub().typingIn([...roomIds], after);
      return { position: snapshot.position, rooms: snapshot.rooms.map((r) => ({ roomId: r.roomId, userIds: [...r.userIds] })) };
    },
    position: async () => await stub().position(),
  };
}
