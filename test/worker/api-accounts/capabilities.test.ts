// GET /capabilities and the OAuth discovery endpoint's 404.
import { describe, expect, it } from "vitest";
import { register, testApp } from "./support";

describe("GET /capabilities", () => {
  it("states password changes and room versions 3..12 (those rooms can be created in) with 12 as default", async () => {
    const call = testApp();
    const user = await register(call);
    const res = await call("GET", "capabilities", { token: user.accessToken });
    expect(res.status).toBe(200);
    const caps = res.body["capabilities"] as Record<string, Record<string, unknown>>;
    expect(caps["m.change_password"]).toEqual({ enabled: true });
    expect(caps["m.room_versions"]?.["default"]).toBe("12");
    const available = caps["m.room_versions"]?.["available"] as Record<string, string>;
    expect(Object.keys(available).sort((a, b) => Number(a) - Number(b))).toEqual(["3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]);
    expect(new Set(Object.values(available))).toEqual(new Set(["stable"]));
    expect(caps["m.3pid_changes"]).toEqual({ enabled: false });
    expect((await call("GET", "capabilities")).body["errcode"]).toBe("M_MISSING_TOKEN");
  });

  it("advertises only versions createRoom accepts, and createRoom refuses the others", async () => {
    // The room DO signs as wrangler.toml's SERVER_NAME, and creates rooms only for its own users.
    const call = testApp({ config: { serverName: "localhost:8008" } });
    const user = await register(call);
    const caps = (await call("GET", "capabilities", { token: user.accessToken })).body["capabilities"] as Record<string, Record<string, unknown>>;
    const available = Object.keys(caps["m.room_versions"]?.["available"] as Record<string, string>);
    for (const version of [...available, "1", "2"]) {
      const res = await call("POST", "createRoom", { token: user.accessToken, body: { room_version: version } });
      if (available.includes(version)) expect(res.status, `${version}: ${JSON.stringify(res.body)}`).toBe(200);
      else expect([res.status, res.body["errcode"]], version).toEqual([400, "M_UNSUPPORTED_ROOM_VERSION"]);
    }
  });
});

describe("GET /auth_metadata", () => {
  it("answers 404 M_UNRECOGNIZED: there is no OAuth 2.0 provider", async () => {
    const call = testApp();
    for (const path of ["/_matrix/client/v1/auth_metadata", "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata"]) {
      const res = await call("GET", path);
      expect([res.status, res.body["errcode"]], path).toEqual([404, "M_UNRECOGNIZED"]);
    }
  });
});
