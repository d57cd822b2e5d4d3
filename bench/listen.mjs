// WebSocket listener under load: 50 clients, each on its own thread, run a 1,000-delta turn at the
// same time (wall time until all complete, the server's peak RSS, p99 latency of a getUserAgent
// probe sent every 10 ms by a 51st client meanwhile); then idle memory per connection (RSS growth
// per initialized, idle WebSocket connection, 400 of them). Ours and the 0.169 reference
// (`codex app-server --listen ws://127.0.0.1:0`, when installed) run the same script in this run.
//   BENCH_LISTEN_CLIENTS=N (default 50)  BENCH_LISTEN_IDLE=N (default 400)
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { FAKE_PROVIDER_ENV, REPO_ROOT, fakeProviderToml, makeHome, percentile, printTable, progress, startFakeResponses } from "./lib.mjs";

export const name = "listen";

const require = createRequire(import.meta.url);
const WebSocket = require("ws");

const CLIENTS = Number(process.env.BENCH_LISTEN_CLIENTS ?? 50);
const IDLE = Number(process.env.BENCH_LISTEN_IDLE ?? 400);
const DELTAS = 1000;

function reference169() {
  const vendor = "/tmp/ref169/node_modules/@openai/codex-linux-x64/vendor";
  if (!existsSync(vendor)) return null;
  for (const triple of readdirSync(vendor)) {
    const bin = path.join(vendor, triple, "bin", "codex");
    if (existsSync(bin)) return { label: "reference 0.169", command: bin, args: ["app-server", "--listen", "ws://127.0.0.1:0"] };
  }
  return null;
}

function ours() {
  return { label: "ours", command: process.execPath, args: [path.join(REPO_ROOT, "bin/codex-app-server.js"), "--listen", "ws://127.0.0.1:0", "--no-token-check"] };
}

function rssKiB(pid, field = "VmRSS") {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

/** A JSON-RPC client over one WebSocket. */
function connect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let nextId = 1;
    const pending = new Map();
    const handlers = new Map();
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data));
      if (msg.id !== undefined && pending.has(msg.id) && !msg.method) {
        pending.get(msg.id)(msg);
        pending.delete(msg.id);
      } else if (msg.method) handlers.get(msg.method)?.(msg.params);
    });
    ws.once("open", () =>
      resolve({
        ws,
        request(method, params) {
          const id = nextId++;
          return new Promise((done) => {
            pending.set(id, done);
            ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
          });
        },
        on: (method, fn) => handlers.set(method, fn),
        close: () => ws.close(),
      }),
    );
    ws.once("error", reject);
  });
}

async function initialized(url, name) {
  const c = await connect(url);
  const res = await c.request("initialize", { clientInfo: { name, title: null, version: "1.0.0" } });
  if (res.error) throw new Error(`initialize: ${JSON.stringify(res.error)}`);
  c.ws.send(JSON.stringify({ method: "initialized" }));
  return c;
}

// getUserAgent every 10 ms over its own connection; prints the latencies (ms) as JSON on stdin EOF.
const PROBE_SRC = `
const WebSocket = require(${JSON.stringify(require.resolve("ws"))});
const ws = new WebSocket(process.argv[1], { perMessageDeflate: false });
const lat = []; let id = 0; let sent = 0; let stopping = false;
ws.on("message", (d) => {
  const m = JSON.parse(String(d));
  if (m.id === 0) { ws.send(JSON.stringify({ method: "initialized" })); process.stdout.write("ready\\n"); return tick(); }
  if (typeof m.id === "number" && !m.method) { lat.push(performance.now() - sent); setTimeout(tick, 10); }
});
function tick() {
  if (stopping) return;
  sent = performance.now();
  ws.send(JSON.stringify({ id: ++id, method: "getUserAgent" }));
}
ws.on("open", () => ws.send(JSON.stringify({ id: 0, method: "initialize", params: { clientInfo: { name: "probe", title: null, version: "1" } } })));
process.stdin.on("data", () => {}).on("end", () => { stopping = true; process.stdout.write(JSON.stringify(lat) + "\\n"); ws.terminate(); });
`;

function startProbe(url) {
  const child = spawn(process.execPath, ["-e", PROBE_SRC, url], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  let onReady;
  const ready = new Promise((resolve) => (onReady = resolve));
  child.stdout.on("data", (d) => {
    out += d;
    if (out.startsWith("ready\n")) onReady();
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  return {
    ready,
    stop: async () => {
      child.stdin.end();
      await exited;
      return JSON.parse(out.slice("ready\n".length).trim());
    },
  };
}

async function measure(target, modelUrl) {
  const home = makeHome(fakeProviderToml(modelUrl));
  const child = spawn(target.command, target.args, { env: { ...process.env, ...FAKE_PROVIDER_ENV, CODEX_HOME: home }, stdio: ["pipe", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening address; stderr: ${stderr.slice(-2000)}`)), 30_000);
      const look = () => {
        const m = /listening on: (ws:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        } else setTimeout(look, 10);
      };
      look();
    });
    const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => initialized(url, `bench_${i}`)));
    const threads = await Promise.all(clients.map(async (c) => (await c.request("thread/start", { cwd: process.cwd() })).result.thread.id));
    // The probe runs in its own process: the 50 clients keep this one busy parsing notifications.
    const probe = startProbe(url);
    await probe.ready;
    const baseRss = rssKiB(child.pid);
    let peakRss = baseRss;
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssKiB(child.pid))), 5);
    const t0 = performance.now();
    await Promise.all(
      clients.map(
        (c, i) =>
          new Promise((resolve, reject) => {
            c.on("turn/completed", (p) => (p.turn.status === "completed" ? resolve() : reject(new Error(`turn ${p.turn.status}`))));
            void c.request("turn/start", { threadId: threads[i], input: [{ type: "text", text: "go" }] });
          }),
      ),
    );
    const wallMs = performance.now() - t0;
    const latencies = await probe.stop();
    clearInterval(rssTimer);

    // Idle connections: RSS growth per initialized connection that does nothing.
    for (const c of clients) c.close();
    await new Promise((r) => setTimeout(r, 500));
    const idleBefore = rssKiB(child.pid);
    const idle = [];
    for (let i = 0; i < IDLE; i += 50) idle.push(...(await Promise.all(Array.from({ length: Math.min(50, IDLE - i) }, (_, j) => initialized(url, `idle_${i + j}`)))));
    await new Promise((r) => setTimeout(r, 500));
    const idleAfter = rssKiB(child.pid);
    for (const c of idle) c.close();
    return {
      wallMs,
      peakRssMiB: peakRss / 1024,
      p99: percentile(latencies, 99),
      p50: percentile(latencies, 50),
      probes: latencies.length,
      idleKiB: (idleAfter - idleBefore) / IDLE,
    };
  } finally {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    rmSync(home, { recursive: true, force: true });
  }
}

export async function run({ json }) {
  const model = await startFakeResponses();
  model.respondWith({ count: DELTAS, delta: "tok " });
  try {
    const targets = process.env.BENCH_LISTEN_OURS_ONLY ? [ours()] : [ours(), reference169()].filter(Boolean);
    const rows = [];
    const raw = {};
    for (const target of targets) {
      progress(`listen: ${target.label}`);
      const r = await measure(target, model.url);
      raw[target.label] = r;
      rows.push([target.label, r.wallMs.toFixed(0), r.peakRssMiB.toFixed(1), r.p50.toFixed(1), r.p99.toFixed(1), String(r.probes), r.idleKiB.toFixed(1)]);
    }
    progress("");
    console.log(`\n## listen: ${CLIENTS} WebSocket clients × one ${DELTAS}-delta turn each, at once; then ${IDLE} idle connections\n`);
    printTable(["target", "wall ms", "peak RSS MiB", "probe p50 ms", "probe p99 ms", "probes", "idle KiB/conn"], rows, ["l", "r", "r", "r", "r", "r", "r"]);
    if (!reference169()) console.log("\nnote: the 0.169 reference is not installed (/tmp/ref169); ours only.");
    json(raw);
  } finally {
    await model.close();
  }
}
