// Trimming events to a filter's `event_fields` (dot-separated paths, appendix escaping).
import { isJsonObject, type JsonObject, type JsonValue } from "../json-value";
import { lookupProperty, parsePropertyPath } from "../push/property-path";

type Building = { [key: string]: JsonValue };

/** Copies one found value into `out` at `names`, cloning each object on the way so the source event is never shared-and-mutated. */
function place(out: Building, names: readonly string[], value: JsonValue): void {
  let target = out;
  names.forEach((name, i) => {
    if (i === names.length - 1) {
      target[name] = value;
      return;
    }
    const existing = target[name];
    const next: Building = isJsonObject(existing) ? { ...existing } : {};
    target[name] = next;
    target = next;
  });
}

/**
 * Keeps only the listed fields. Absent `fields` keeps the whole event; an empty list keeps nothing
 * (the spec lets a server send more than asked, never requires less). Paths to missing properties
 * are skipped, and a path never reaches into arrays.
 */
export function applyEventFields(event: JsonObject, fields: readonly string[] | undefined): JsonObject {
  if (fields === undefined) return event;
  const out: Building = {};
  for (const path of fields) {
    const names = parsePropertyPath(path);
    const value = lookupProperty(event, names);
    if (value !== undefined) place(out, names, value);
  }
  return out;
}
