#!/usr/bin/env node
// `npm run replay`: empties the D1 read models and rebuilds them from every room log, printing progress.
//
// Works on the local state `npm start` uses (PERSIST_DIR, default .wrangler/state). Stop the server
// first: entries it projects while replay runs would land out of replay's order. It applies the D1
// migrations, starts the worker locally with one extra route (scripts/replay-worker.ts), calls it and
// prints the NDJSON progress it streams. Accounts, devices, tokens and keys are records, not read
// models: replay leaves them alone.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const wranglerBin = require.resolve("wrangler/bin/wrangler.js", { paths: [root] });
const persistDir = path.resolve(root, process.env.PERSIST_DIR || ".wrangler/state");

process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";

function migrate() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [wranglerBin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], {
      cwd: root,
      env: process.env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", () => resolve(1));
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

const line = (p) =>
  `replay: rooms ${p.roomsDone}/${p.roomsTotal}, events ${p.events}, ${p.rate.toFixed(1)} events/s, ${(p.elapsedMs / 1000).toFixed(1)} s`;

async function main() {
  if ((await migrate()) !== 0) {
    console.error("replay: applying the D1 migrations failed");
    return 1;
  }
  const { unstable_startWorker } = await import("wrangler");
  const worker = await unstable_startWorker({
    config: path.join(root, "wrangler.toml"),
    entrypoint: path.join(root, "scripts/replay-worker.ts"),
    dev: { persist: persistDir, server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, logLevel: "warn" },
  });
  let status = 1;
  try {
    await worker.ready;
    const response = await worker.fetch("http://replay.local/__replay", { method: "POST" });
    if (!response.ok || !response.body) throw new Error(`the replay route answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = buffered.indexOf("\n")) !== -1) {
        const record = JSON.parse(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (record.progress) console.log(line(record.progress));
        else if (record.done) {
          console.log(`${line(record.done)} (done)`);
          status = 0;
        } else if (record.error) console.error(`replay: failed: ${record.error}`);
      }
    }
  } catch (error) {
    console.error(`replay: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await worker.dispose();
  }
  return status;
}

process.exit(await main());
