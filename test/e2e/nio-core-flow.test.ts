// matrix-nio (Python) drives the core flow on a real `npm start`: login, join another user's room, send, and see messages both ways by /sync.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll, startServer, type StartedServer } from "./started-server";
import { registerOverHttp } from "./register-over-http";

/** Debian's python3-matrix-nio installs for the system interpreter, not for any pyenv one on PATH. */
const PYTHON = "/usr/bin/python3";
const SCRIPT = path.join(import.meta.dirname, "nio", "core_flow.py");
const PASSWORD = "correct horse battery staple";

const probe = spawnSync(PYTHON, ["-c", "import nio"], { encoding: "utf8" });
const nioMissing = probe.error !== undefined || probe.status !== 0;
if (nioMissing) {
  console.warn(`SKIPPED nio core flow: ${PYTHON} cannot import nio (install python3-matrix-nio). ${probe.error?.message ?? probe.stderr.trim().split("\n").at(-1) ?? ""}`);
}

describe.skipIf(nioMissing)("matrix-nio core flow", () => {
  let server: StartedServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "matrix-e2e-nio-"));
    server = await startServer({ PERSIST_DIR: dir, REGISTRATION: "open", RATE_LIMIT: "off" });
  }, 120_000);

  afterAll(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const register = (name: string): Promise<string> => registerOverHttp(server.baseUrl, name, PASSWORD);

  it("logs in, joins, sends and syncs both ways", async () => {
    const alice = await register("alice");
    const bob = await register("bob");
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(PYTHON, [SCRIPT, server.baseUrl, alice, PASSWORD, bob, PASSWORD], { timeout: 150_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      });
    });
    const report = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, report).toBe(0);
    expect(run.stdout, report).toContain("ok bob joins alice's room");
    expect(run.stdout, report).toContain("ok bob sees alice's message");
    expect(run.stdout, report).toContain("ok alice sees bob's message");
    expect(run.stdout, report).toContain("ok display names");
    expect(run.stdout, report).toContain("NIO CORE FLOW OK");
  });
});
