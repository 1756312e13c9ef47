// An m.annotation relation (a reaction, say) as the content of an event states it: the annotated event and the key.
import { isJsonObject, type JsonObject } from "./json-value";

export interface Annotation {
  /** The annotated event. */
  readonly eventId: string;
  /** The annotation key (an emoji for reactions). */
  readonly key: string;
}

/** The annotation `content` makes, if any: `m.relates_to` with `rel_type` m.annotation, a target and a string key. */
export function annotationOf(content: JsonObject): Annotation | undefined {
  const rel = content["m.relates_to"];
  if (!isJsonObject(rel) || rel["rel_type"] !== "m.annotation") return undefined;
  const eventId = rel["event_id"];
  const key = rel["key"];
  return typeof eventId === "string" && typeof key === "string" ? { eventId, key } : undefined;
}
