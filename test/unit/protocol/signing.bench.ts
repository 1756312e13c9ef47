// Hand-run benchmark (not part of the test run): `npx vitest bench --run --project unit test/unit/protocol/signing.bench.ts`.
// Signing an event-sized object with a prepared key (seed expanded once) against re-expanding per signature.
import { ed25519 } from "@noble/curves/ed25519.js";
import { bench, describe } from "vitest";
import { canonicalJsonBytes } from "../../../src/protocol/canonical-json";
import { prepareSigningKey, signJson } from "../../../src/protocol/signing";

const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 7) % 256);
const event = {
  type: "m.room.message",
  room_id: "!abcdefghijklmnop:example.org",
  sender: "@alice:example.org",
  origin_server_ts: 1_700_000_000_000,
  depth: 42,
  prev_events: ["$Jt2wcnEBPdFsNN0qXOjYD8HXaT-dd3eRiwgfX2G9Nb8"],
  auth_events: ["$a", "$b", "$c"],
  content: { msgtype: "m.text", body: "hello world ".repeat(8) },
  hashes: { sha256: "q5b8p5ZPvVeS2jbxDQ6Lya/KhOwP7kkVv0ZNwqcX4ZE" },
};
const prepared = prepareSigningKey("ed25519:b", seed);

describe("sign one event", () => {
  bench("noble ed25519.sign(bytes, seed) (before)", () => {
    ed25519.sign(canonicalJsonBytes(event), seed);
  });
  bench("signJson, unprepared key (expands per call)", () => {
    signJson(event, "example.org", { keyId: "ed25519:b", seed });
  });
  bench("signJson, prepared key (after)", () => {
    signJson(event, "example.org", prepared);
  });
});
