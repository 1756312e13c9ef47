// annotationOf: what counts as an annotation for the duplicate-annotation check (spec: event annotations).
import { describe, expect, it } from "vitest";
import { annotationOf } from "../../../src/protocol/annotation";

describe("annotationOf", () => {
  it("reads the target and key of an m.annotation relation", () => {
    expect(annotationOf({ "m.relates_to": { rel_type: "m.annotation", event_id: "$a", key: "👍" } })).toEqual({ eventId: "$a", key: "👍" });
  });

  it("is undefined for other relations, a missing key or target, and content without a relation", () => {
    expect(annotationOf({ "m.relates_to": { rel_type: "m.replace", event_id: "$a", key: "x" } })).toBeUndefined();
    expect(annotationOf({ "m.relates_to": { rel_type: "m.annotation", event_id: "$a" } })).toBeUndefined();
    expect(annotationOf({ "m.relates_to": { rel_type: "m.annotation", key: "x" } })).toBeUndefined();
    expect(annotationOf({ "m.relates_to": { rel_type: "m.annotation", event_id: "$a", key: 5 } })).toBeUndefined();
    expect(annotationOf({ body: "hi" })).toBeUndefined();
    expect(annotationOf({ "m.relates_to": "nope" })).toBeUndefined();
  });
});
