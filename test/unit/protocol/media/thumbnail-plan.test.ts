import { describe, expect, it } from "vitest";
import { planThumbnail, type ThumbnailRequest } from "../../../../src/protocol/media/thumbnail-plan";

const ask = (width: number, height: number, method: "scale" | "crop", animated?: boolean): ThumbnailRequest => ({ width, height, method, animated });

describe("planThumbnail", () => {
  it("scales inside the smallest recommended box that covers the request, keeping the aspect", () => {
    expect(planThumbnail({ width: 1000, height: 500 }, "image/jpeg", ask(300, 200, "scale"))).toEqual({
      kind: "resize",
      width: 320,
      height: 160,
      method: "scale",
      cacheable: true,
    });
    expect(planThumbnail({ width: 4000, height: 3000 }, "image/jpeg", ask(700, 500, "scale"))).toMatchObject({ width: 800, height: 600, cacheable: true });
  });

  it("uses the request itself beyond the recommended sizes, and does not cache it", () => {
    expect(planThumbnail({ width: 4000, height: 3000 }, "image/jpeg", ask(1200, 900, "scale"))).toEqual({
      kind: "resize",
      width: 1200,
      height: 900,
      method: "scale",
      cacheable: false,
    });
  });

  it("crops to a square recommended size only for square requests", () => {
    expect(planThumbnail({ width: 400, height: 200 }, "image/png", ask(50, 50, "crop"))).toEqual({
      kind: "resize",
      width: 96,
      height: 96,
      method: "crop",
      cacheable: true,
    });
    expect(planThumbnail({ width: 400, height: 200 }, "image/png", ask(60, 30, "crop"))).toEqual({
      kind: "resize",
      width: 60,
      height: 30,
      method: "crop",
      cacheable: false,
    });
  });

  it("never upscales: a crop box larger than the content in one dimension shrinks to it", () => {
    expect(planThumbnail({ width: 500, height: 80 }, "image/jpeg", ask(96, 96, "crop"))).toEqual({
      kind: "resize",
      width: 96,
      height: 80,
      method: "crop",
      cacheable: false,
    });
  });

  it("serves content that fits the box as it is, or still when it may be animated and animation was not asked for", () => {
    expect(planThumbnail({ width: 100, height: 100 }, "image/jpeg", ask(320, 240, "scale"))).toEqual({ kind: "original" });
    expect(planThumbnail({ width: 100, height: 100 }, "image/gif", ask(320, 240, "scale"))).toEqual({ kind: "still" });
    expect(planThumbnail({ width: 100, height: 100 }, "image/gif", ask(320, 240, "scale", false))).toEqual({ kind: "still" });
    expect(planThumbnail({ width: 100, height: 100 }, "image/gif", ask(320, 240, "scale", true))).toEqual({ kind: "original" });
  });
});
