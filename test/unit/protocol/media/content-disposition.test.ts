import { describe, expect, it } from "vitest";
import { contentDisposition, essenceOf, isInlineSafe } from "../../../../src/protocol/media/content-disposition";
import { isValidMediaId, mediaIdFromRandom } from "../../../../src/protocol/media/media-id";

describe("content disposition", () => {
  it("is inline only for the spec's allow-list, whatever the parameters or case", () => {
    expect(isInlineSafe("image/png")).toBe(true);
    expect(isInlineSafe("Text/Plain; charset=utf-8")).toBe(true);
    expect(isInlineSafe("text/html")).toBe(false);
    expect(isInlineSafe("image/svg+xml")).toBe(false);
    expect(isInlineSafe("application/octet-stream")).toBe(false);
    expect(essenceOf(" IMAGE/JPEG ;q=1")).toBe("image/jpeg");
  });

  it("quotes plain ASCII names and uses RFC 5987 for the rest", () => {
    expect(contentDisposition("image/png", "a b.png")).toBe('inline; filename="a b.png"');
    expect(contentDisposition("text/html", null)).toBe("attachment");
    expect(contentDisposition("text/html", 'x".html')).toBe("attachment; filename*=utf-8''x%22.html");
    expect(contentDisposition("text/plain", "naïve (1).txt")).toBe("inline; filename*=utf-8''na%C3%AFve%20%281%29.txt");
  });
});

describe("media IDs", () => {
  it("allows only A-Za-z0-9, _ and -", () => {
    expect(isValidMediaId("abc_DEF-123")).toBe(true);
    for (const bad of ["", "..", "a/b", "a%2F", "é", "a.b", "x".repeat(256)]) expect(isValidMediaId(bad)).toBe(false);
    expect(isValidMediaId(mediaIdFromRandom(new Uint8Array(24).fill(200)))).toBe(true);
  });
});
