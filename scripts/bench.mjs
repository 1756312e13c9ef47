#!/usr/bin/env node
// `npm run bench`: latency and throughput of the room write path and the sync read path against a running server.
//
// Needs a server started with REGISTRATION=open and RATE_LIMIT=off, e.g.
//   REGISTRATION=open RATE_LIMIT=off PORT=8008 PERSIST_DIR=/tmp/bench npm start
// BASE_URL (default http://localhost:8008) names it. The benchmark registers its own users.
// Add INSPECTOR=off to measure the worker without wrangler's devtools inspector, whose per-subrequest
// events otherwise take much of a 2-core machine (see scripts/start.mjs).
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";

const BASE = (process.env.BASE_URL || "http://localhost:8008").replace(/\/$/, "");
const V3 = `${BASE}/_matrix/client/v3`;
const RUN = Date.now().toString(36);
/** A timeline limit above every batch here, so no incremental /sync is `limited` (which would skip events). */
const BIG_FILTER = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 1000 } } }));

class Abort extends Error {}

function fail(message) {
  throw new Abort(message);
}

async function request(method, path, { token, body } = {}) {
  const headers = {};
  if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${V3}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try {
    json = text === "" ? {} : JSON.parse(text);
  } catch {
    json = { raw: text.slice(0, 200) };
  }
  if (res.status === 429) {
    fail(`${method} ${path} was rate limited (429). Start the server with RATE_LIMIT=off for benchmarking.`);
  }
  return { status: res.status, body: json };
}

async function ok(method, path, options) {
  const res = await request(method, path, options);
  if (res.status !== 200) fail(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

let userCounter = 0;
async function register(label) {
  const body = { username: `bench${RUN}${label}${userCounter++}`, password: "benchmark password 1234" };
  const first = await request("POST", "/register", { body });
  if (first.status === 403) {
    fail(`registration is closed (${first.body.errcode}). Start the server with REGISTRATION=open for benchmarking.`);
  }
  if (first.status !== 401 || typeof first.body.session !== "string") {
    fail(`POST /register answered ${first.status}: ${JSON.stringify(first.body)}`);
  }
  const done = await ok("POST", "/register", { body: { ...body, auth: { type: "m.login.dummy", session: first.body.session } } });
  return { userId: done.user_id, token: done.access_token };
}

const roomPath = (roomId, rest) => `/rooms/${encodeURIComponent(roomId)}/${rest}`;

async function twoMemberRoom(alice, bob, name) {
  const { room_id: roomId } = await ok("POST", "/createRoom", { token: alice.token, body: { name, preset: "public_chat" } });
  await ok("POST", roomPath(roomId, "join"), { token: bob.token, body: {} });
  return roomId;
}

let txnCounter = 0;
async function timedSend(user, roomId, text) {
  const started = performance.now();
  const body = await ok("PUT", roomPath(roomId, `send/m.room.message/b${RUN}-${txnCounter++}`), {
    token: user.token,
    body: { msgtype: "m.text", body: text },
  });
  return { eventId: body.event_id, ms: performance.now() - started, doneAt: performance.now() };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  const f = (v) => `${v.toFixed(1)} ms`;
  return `p50 ${f(percentile(sorted, 50))}  p90 ${f(percentile(sorted, 90))}  p99 ${f(percentile(sorted, 99))}  (mean ${f(mean)}, min ${f(sorted[0] ?? NaN)}, max ${f(sorted.at(-1) ?? NaN)}, n=${values.length})`;
}

async function currentToken(user) {
  return (await ok("GET", `/sync?timeout=0&filter=${BIG_FILTER}`, { token: user.token })).next_batch;
}

/** Incremental /sync from `since` until every wanted event is seen or the deadline passes; counts repeats. */
async function collectViaSync(user, roomId, since, wanted, deadlineMs) {
  const seen = new Map();
  let token = since;
  const deadline = performance.now() + deadlineMs;
  while (performance.now() < deadline && [...wanted].some((id) => !seen.has(id))) {
    const body = await ok("GET", `/sync?timeout=2000&filter=${BIG_FILTER}&since=${token}`, { token: user.token });
    token = body.next_batch;
    for (const event of body.rooms?.join?.[roomId]?.timeline?.events ?? []) seen.set(event.event_id, (seen.get(event.event_id) ?? 0) + 1);
  }
  return seen;
}

/** /messages backwards from the newest event in pages of 100; counts repeats. */
async function collectViaMessages(user, roomId) {
  const seen = new Map();
  let from = "";
  for (let page = 0; page < 1000; page++) {
    const query = `dir=b&limit=100${from === "" ? "" : `&from=${from}`}`;
    const body = await ok("GET", roomPath(roomId, `messages?${query}`), { token: user.token });
    for (const event of body.chunk) seen.set(event.event_id, (seen.get(event.event_id) ?? 0) + 1);
    if (body.end === undefined) break;
    from = body.end;
  }
  return seen;
}

function checkDelivery(label, wanted, seen) {
  const lost = [...wanted].filter((id) => !seen.has(id)).length;
  const repeated = [...wanted].filter((id) => (seen.get(id) ?? 0) > 1).length;
  console.log(`    ${label}: lost = ${lost}, seen more than once = ${repeated}`);
  return lost + repeated;
}

/** The floor every request pays (the local wrangler proxy, routing, token check), to read the others against. */
async function baseline(alice) {
  const plain = [];
  const authed = [];
  for (let i = 0; i < 100; i++) {
    let started = performance.now();
    await (await fetch(`${BASE}/_matrix/client/versions`)).text();
    plain.push(performance.now() - started);
    started = performance.now();
    await ok("GET", "/account/whoami", { token: alice.token });
    authed.push(performance.now() - started);
  }
  console.log("(0) baseline, 100 each: GET /versions (no auth), GET /account/whoami (token check)");
  console.log(`    versions ${summary(plain)}`);
  console.log(`    whoami   ${summary(authed)}`);
}

async function sendLatency(alice, bob) {
  const roomId = await twoMemberRoom(alice, bob, "bench: send latency");
  const times = [];
  for (let i = 0; i < 200; i++) times.push((await timedSend(alice, roomId, `sequential ${i}`)).ms);
  console.log("(1) send latency, 200 sequential sends into one 2-member room");
  console.log(`    ${summary(times)}`);
  return times;
}

async function throughput(alice, bob) {
  const roomId = await twoMemberRoom(alice, bob, "bench: throughput");
  const since = await currentToken(bob);
  const total = 400;
  const concurrency = 10;
  let next = 0;
  const results = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const sender = worker % 2 === 0 ? alice : bob;
      while (next < total) {
        const i = next++;
        results.push(await timedSend(sender, roomId, `concurrent ${i}`));
      }
    }),
  );
  const elapsed = performance.now() - started;
  const wanted = new Set(results.map((r) => r.eventId));
  console.log(`(2) ${total} sends at concurrency ${concurrency} into one room`);
  console.log(`    throughput ${((total * 1000) / elapsed).toFixed(1)} sends/s (${elapsed.toFixed(0)} ms in all), distinct event IDs ${wanted.size}`);
  console.log(`    latency ${summary(results.map((r) => r.ms))}`);
  const synced = await collectViaSync(bob, roomId, since, wanted, 60_000);
  const viaSync = checkDelivery("incremental /sync", wanted, synced);
  const viaMessages = checkDelivery("/messages", wanted, await collectViaMessages(bob, roomId));
  return viaSync + viaMessages + (total - wanted.size);
}

async function visibleLag(alice, bob) {
  const roomId = await twoMemberRoom(alice, bob, "bench: lag");
  let token = await currentToken(bob);
  const lags = [];
  for (let i = 0; i < 50; i++) {
    let markSent;
    const sentPromise = new Promise((resolve) => (markSent = resolve));
    // Bob's long-poll is in flight before Alice sends; it resolves when the projection pokes the notifier.
    const poll = (async () => {
      for (;;) {
        const body = await ok("GET", `/sync?timeout=10000&filter=${BIG_FILTER}&since=${token}`, { token: bob.token });
        const arrivedAt = performance.now();
        token = body.next_batch;
        const ids = (body.rooms?.join?.[roomId]?.timeline?.events ?? []).map((e) => e.event_id);
        const sent = await sentPromise;
        if (ids.includes(sent.eventId)) return arrivedAt - sent.doneAt;
      }
    })();
    await new Promise((r) => setTimeout(r, 25));
    markSent(await timedSend(alice, roomId, `lag ${i}`));
    lags.push(await poll);
  }
  console.log("(3) send → visible lag: time from the send's 200 to the event arriving in a waiting /sync long-poll, 50 messages");
  console.log(`    ${summary(lags)}`);
  console.log("    (negative: the long-poll answered before the sender had read its 200)");
  return lags;
}

async function initialSync() {
  const carol = await register("carol");
  const rooms = [];
  for (let r = 0; r < 20; r++) {
    const { room_id: roomId } = await ok("POST", "/createRoom", { token: carol.token, body: { name: `bench: initial sync ${r}` } });
    rooms.push(roomId);
  }
  const jobs = rooms.flatMap((roomId) => Array.from({ length: 50 }, (_, i) => ({ roomId, i })));
  let next = 0;
  const last = new Map();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const sent = await timedSend(carol, job.roomId, `room message ${job.i}`);
        if (job.i === 49) last.set(job.roomId, sent.eventId);
      }
    }),
  );
  // Wait until the read models hold every room's last message before timing.
  const deadline = performance.now() + 60_000;
  for (;;) {
    const body = await ok("GET", "/sync", { token: carol.token });
    const ready = rooms.filter((roomId) => (body.rooms?.join?.[roomId]?.timeline?.events ?? []).some((e) => e.event_id === last.get(roomId)));
    if (ready.length === rooms.length) break;
    if (performance.now() > deadline) fail(`only ${ready.length} of 20 rooms were projected within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const times = [];
  let bytes = 0;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const res = await fetch(`${V3}/sync`, { headers: { Authorization: `Bearer ${carol.token}` } });
    const text = await res.text();
    times.push(performance.now() - started);
    bytes = text.length;
    if (res.status !== 200) fail(`initial /sync answered ${res.status}`);
  }
  console.log("(4) initial /sync (default timeline limit 10) for a user in 20 rooms × 50 messages, 20 runs");
  console.log(`    ${summary(times)}, response ${(bytes / 1024).toFixed(0)} KiB`);
  return times;
}

async function main() {
  try {
    const versions = await fetch(`${BASE}/_matrix/client/versions`);
    if (!versions.ok) fail(`GET /_matrix/client/versions answered ${versions.status}`);
  } catch (error) {
    if (error instanceof Abort) throw error;
    fail(`no server at ${BASE} (${error.cause?.code ?? error.message}). Start one with REGISTRATION=open RATE_LIMIT=off npm start, or set BASE_URL.`);
  }
  const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
  console.log(`Benchmarking ${BASE} (node ${process.version}); load average ${load()}`);
  const alice = await register("alice");
  const bob = await register("bob");
  await baseline(alice);
  const send = await sendLatency(alice, bob);
  const problems = await throughput(alice, bob);
  const lag = await visibleLag(alice, bob);
  await initialSync();
  const p50 = (values) => percentile([...values].sort((a, b) => a - b), 50);
  console.log(`load average at the end ${load()}`);
  console.log("targets:");
  console.log(`    send p50 ≤ 15 ms: ${p50(send) <= 15 ? "met" : "MISSED"} (${p50(send).toFixed(1)} ms)`);
  console.log(`    lag p50 ≤ 50 ms: ${p50(lag) <= 50 ? "met" : "MISSED"} (${p50(lag).toFixed(1)} ms)`);
  console.log(`    lost = 0: ${problems === 0 ? "met" : "MISSED"}`);
  if (problems !== 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Abort ? `bench: ${error.message}` : error);
  process.exitCode = 1;
});
