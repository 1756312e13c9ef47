// Starts `node scripts/start.mjs` as a real process for end-to-end tests, and always stops it.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface StartedServer {
  readonly baseUrl: string;
  readonly port: number;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** Sends SIGTERM and waits for the exit; resolves with the exit code (or 128 + signal). */
  stop(): Promise<number>;
}

const running = new Set<ChildProcess>();
// Should the test runner exit without afterAll (a crash, a timeout), no server outlives it.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startServer(env: Record<string, string>, readyTimeoutMs = 90_000): Promise<StartedServer> {
  const port = Number(env["PORT"] ?? (await freePort()));
  // detached: the server and wrangler's children form one process group, so killAll can end them all.
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/start.mjs")], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) =>
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? 128 + (signal === "SIGTERM" ? 15 : signal === "SIGKILL" ? 9 : 2));
    }),
  );
  const server: StartedServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${server.baseUrl}/_matrix/client/versions`);
      if (res.ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop();
  throw new Error(`server not ready within ${readyTimeoutMs} ms:\n${output}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** For afterAll: ends every server this file started (and their wrangler/workerd children). */
export async function killAll(): Promise<void> {
  const children = [...running];
  for (const child of children) killGroup(child, "SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, children.length > 0 ? 2000 : 0));
  for (const child of children) killGroup(child, "SIGKILL");
}
