#!/usr/bin/env node
// `npm start`: applies the D1 migrations locally, then serves the worker with wrangler's local mode.
//
// Environment: PORT (8008), SERVER_NAME (localhost:<PORT>), PERSIST_DIR (.wrangler/state),
// REGISTRATION (default open for local use), PUBLIC_BASE_URL and the RATE_LIMIT settings (passed
// through when set). Secrets such as SIGNING_KEY_SEED
// belong in .dev.vars, which wrangler reads itself, so they never appear on a command line.
//
// INSPECTOR=off serves the same worker, bindings and state without wrangler's devtools inspector.
// `wrangler dev` always attaches one and enables its Network domain, so every subrequest (each D1
// call, each queue send) becomes events relayed through wrangler's proxy to its Node process: on
// a 2-core machine that costs more CPU than the worker itself and roughly doubles send latency.
// Without it the worker's console output is not shown and source edits are not reloaded, so it is
// for benchmarks and load, not for development.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js", { paths: [root] });

const port = process.env.PORT || "8008";
if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`start: PORT must be a port number, got "${port}"`);
  process.exit(2);
}
const serverName = process.env.SERVER_NAME || `localhost:${port}`;
const persistDir = path.resolve(root, process.env.PERSIST_DIR || ".wrangler/state");

const childEnv = {
  ...process.env,
  // Offline and quiet: no fetch of Cloudflare's request metadata, no telemetry.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

let child;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopping = true;
    if (child && child.exitCode === null) child.kill(signal);
    else process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}

/** Runs wrangler with `args`; resolves with its exit code (signals map to 128 + n). */
function run(args, stdin) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, [wrangler, ...args], { cwd: root, env: childEnv, stdio: [stdin, "inherit", "inherit"] });
    child.on("error", (error) => {
      console.error(`start: could not run wrangler: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1)));
  });
}

// stdin from /dev/null ("ignore"): the migration command never waits on a prompt.
const migrated = await run(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], "ignore");
if (migrated !== 0 || stopping) process.exit(migrated || 130);

// A local install is for trying the server with real clients, so registration is open unless
// REGISTRATION says otherwise; a deployed worker keeps wrangler.toml's "closed" (fail closed).
const vars = [`SERVER_NAME:${serverName}`, `REGISTRATION:${process.env.REGISTRATION || "open"}`];
const PASSED_THROUGH = [
  "PUBLIC_BASE_URL",
  "RATE_LIMIT",
  "RATE_LIMIT_LOGIN",
  "RATE_LIMIT_REGISTER",
  "RATE_LIMIT_MESSAGE",
  "MAX_UPLOAD_BYTES",
  "PRESENCE_IDLE_MS",
  "PRESENCE_OFFLINE_MS",
  "TURN_URIS",
  "TURN_USER_LIFETIME_MS",
  "TURN_USERNAME",
  "ALLOW_HTTP_FEDERATION",
];
for (const name of PASSED_THROUGH) {
  if (process.env[name] !== undefined) vars.push(`${name}:${process.env[name]}`);
}
if ((process.env.INSPECTOR ?? "on").toLowerCase() === "off") {
  await serveWithoutInspector();
} else {
  const devArgs = [
    "dev",
    "--local",
    "--port", port,
    "--ip", "127.0.0.1",
    "--show-interactive-dev-session=false",
    "--persist-to", persistDir,
    ...vars.flatMap((v) => ["--var", v]),
  ];
  console.log(`start: serving ${serverName} on http://127.0.0.1:${port} (state in ${persistDir})`);
  process.exit(await run(devArgs, "inherit"));
}

/** `wrangler dev`'s local mode through wrangler's API, with the inspector off; runs until a signal. */
async function serveWithoutInspector() {
  Object.assign(process.env, childEnv);
  const api = createRequire(import.meta.url).resolve("wrangler", { paths: [root] });
  const { unstable_startWorker: startWorker } = await import(pathToFileURL(api).href);
  const bindings = Object.fromEntries(
    vars.map((v) => {
      const at = v.indexOf(":");
      return [v.slice(0, at), { type: "plain_text", value: v.slice(at + 1) }];
    }),
  );
  console.log(`start: serving ${serverName} on http://127.0.0.1:${port} (state in ${persistDir}; inspector off)`);
  const worker = await startWorker({
    config: path.join(root, "wrangler.toml"),
    bindings,
    dev: { remote: false, server: { hostname: "127.0.0.1", port: Number(port) }, inspector: false, persist: persistDir, watch: false },
  });
  await worker.ready;
  const stop = async (signal) => {
    await worker.dispose().catch(() => undefined);
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.removeAllListeners(signal);
    process.once(signal, () => void stop(signal));
  }
}
