// The spec's "Avoiding duplicate annotations" for client sends: a user annotates an event with a given event type and key once, unless that annotation was redacted.
import { annotationOf } from "../protocol/annotation";
import type { Pdu } from "../protocol/pdu";
import type { Rejection } from "./rejection";
import type { RoomCommand } from "./room-command";
import type { Decision } from "./room-decision";

/** What makes two annotations the same: who sent it, its event type, the annotated event and the key. */
export interface AnnotationKey {
  readonly sender: string;
  readonly type: string;
  /** The annotated event. */
  readonly relatesTo: string;
  readonly key: string;
}

/** The ID of an accepted, unredacted annotation with this key the room holds, if any (the room DO's index). */
export type ExistingAnnotation = (key: AnnotationKey) => string | undefined;

/** The annotation a PDU makes: `m.relates_to` with `rel_type` m.annotation, a target and a string key. */
export function annotationKeyOf(pdu: Pdu): AnnotationKey | undefined {
  const annotation = annotationOf(pdu.content);
  return annotation === undefined ? undefined : { sender: pdu.sender, type: pdu.type, relatesTo: annotation.eventId, key: annotation.key };
}

/**
 * Refuses a client's SendEvent whose decided event repeats an annotation of the same sender (spec:
 * 400 M_DUPLICATE_ANNOTATION). Other commands, IngestPdu above all, are never refused for this:
 * duplicates may arrive over federation and clients deduplicate them. A repeated transaction never
 * reaches here (the room DO answers it with the first event before deciding).
 */
export function duplicateAnnotation(command: RoomCommand, decision: Decision, existing: ExistingAnnotation): Rejection | undefined {
  if (command._tag !== "SendEvent") return undefined;
  for (const decided of decision.events) {
    if (decided.status !== "accepted") continue;
    const key = annotationKeyOf(decided.event.pdu);
    const first = key === undefined ? undefined : existing(key);
    if (first !== undefined) return { _tag: "DuplicateAnnotation", reason: `You already annotated this event with this key (${first})` };
  }
  return undefined;
}
