#!/usr/bin/env node
// `npm run admin -- create-user NAME [--admin] [--password P]`: makes an account in the local D1 of `npm start`.
//
// It writes the users row directly with `wrangler d1 execute DB --local --persist-to <dir>`, the
// same directory `npm start` uses (PERSIST_DIR, default .wrangler/state), so it works whether the
// server is running or not, and needs no registration to be open. The password hash is PBKDF2 in
// exactly the stored format of src/accounts/password-hash.ts. For a deployed server, use the
// shared-secret route (/_synapse/admin/v1/register) or the admin API instead.
//
// Environment: SERVER_NAME (default localhost:<PORT>), PORT (8008), PERSIST_DIR (.wrangler/state).
import { spawnSync } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js", { paths: [root] });
const port = process.env.PORT || "8008";
const serverName = process.env.SERVER_NAME || `localhost:${port}`;
const persistDir = path.resolve(root, process.env.PERSIST_DIR || ".wrangler/state");

// Kept equal to src/accounts/password-hash.ts (the Workers maximum; see docs/ARCHITECTURE.md).
const ITERATIONS = 100_000;
const b64 = (bytes) => Buffer.from(bytes).toString("base64").replace(/=+$/, "");

function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(Buffer.from(password, "utf8"), salt, ITERATIONS, 32, "sha256");
  return `pbkdf2-sha256$${ITERATIONS}$${b64(salt)}$${b64(hash)}`;
}

function usage(message) {
  if (message) console.error(`admin: ${message}`);
  console.error("usage: npm run admin -- create-user NAME [--admin] [--password PASSWORD]");
  process.exit(2);
}

function wranglerD1(args) {
  const result = spawnSync(process.execPath, [wrangler, "d1", ...args, "--local", "--persist-to", persistDir], {
    cwd: root,
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    console.error(`admin: wrangler d1 ${args[0]} failed`);
    process.exit(1);
  }
  return result.stdout;
}

/** Only single-quoted SQL literals of text we have already checked. */
const sqlText = (text) => `'${text.replaceAll("'", "''")}'`;

function createUser(name, { admin, password }) {
  // The same rules as registration (src/accounts/localpart.ts): lowercased, the spec's grammar.
  const localpart = name.replace(/^@/, "").split(":")[0].toLowerCase();
  if (!/^[a-z0-9._=\-/+]+$/.test(localpart)) usage(`"${name}" is not a valid username (a-z, 0-9 and . _ = - / +)`);
  const userId = `@${localpart}:${serverName}`;
  if (Buffer.byteLength(userId) > 255) usage("the user ID would be longer than 255 bytes");

  wranglerD1(["migrations", "apply", "DB"]);
  const found = JSON.parse(
    wranglerD1(["execute", "DB", "--json", "--command", `SELECT deactivated FROM users WHERE user_id = ${sqlText(userId)}`]),
  );
  const existing = found[0]?.results?.[0];
  if (existing?.deactivated) usage(`${userId} is deactivated; deactivated accounts stay so`);

  const generated = password === undefined && existing === undefined ? randomBytes(12).toString("base64url") : undefined;
  const chosen = password ?? generated;
  const hash = chosen === undefined ? "NULL" : sqlText(hashPassword(chosen));
  const sql = existing
    ? `UPDATE users SET is_admin = max(is_admin, ${admin ? 1 : 0}), password_hash = coalesce(${hash}, password_hash) WHERE user_id = ${sqlText(userId)}`
    : `INSERT INTO users (user_id, localpart, password_hash, is_admin, is_guest, created_ts) VALUES (${sqlText(userId)}, ${sqlText(localpart)}, ${hash}, ${admin ? 1 : 0}, 0, ${Date.now()})`;
  wranglerD1(["execute", "DB", "--command", sql]);

  console.log(`${existing ? "updated" : "created"} ${userId}${admin ? " (admin)" : ""}`);
  if (generated !== undefined) console.log(`password: ${generated}`);
}

const [command, ...rest] = process.argv.slice(2);
if (command !== "create-user") usage(command === undefined ? undefined : `unknown command ${command}`);
let name;
let admin = false;
let password;
for (let i = 0; i < rest.length; i++) {
  const arg = rest[i];
  if (arg === "--admin") admin = true;
  else if (arg === "--password") {
    password = rest[++i];
    if (password === undefined || password === "") usage("--password needs a value");
  } else if (arg.startsWith("--password=")) password = arg.slice("--password=".length);
  else if (name === undefined && !arg.startsWith("--")) name = arg;
  else usage(`unexpected argument ${arg}`);
}
if (name === undefined) usage("NAME is required");
createUser(name, { admin, password });
