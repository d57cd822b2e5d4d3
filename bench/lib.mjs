// Shared bench helpers: launching a server in a throw-away CODEX_HOME, timing it, reading its
// peak RSS, summarising samples, printing tables, and a local OTLP sink. No dependencies.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const INIT_LINE =
  '{"id":1,"method":"initialize","params":{"clientInfo":{"name":"bench","title":null,"version":"0.0.1"}}}\n';

const RUN_TIMEOUT_MS = 30_000;
const GNU_TIME = "/usr/bin/time";
const DEFAULT_REFERENCE = "/tmp/ref/node_modules/@openai/codex/vendor/x86_64-unknown-linux-musl/codex/codex";
export const REFERENCE_INSTALL_HINT = "npm install --prefix /tmp/ref @openai/codex@0.90.0";

// ---------------------------------------------------------------------------------------------
// Targets: what to launch. `command`/`args` start the server itself, with no wrapper script.

export function oursTarget() {
  // process.execPath, not "node" from PATH: the same node that runs the bench.
  return { key: "ours", label: "ours", command: process.execPath, args: [path.join(REPO_ROOT, "bin/codex-app-server.js")] };
}

/** The native reference binary, or null when it is not installed. */
export function referenceTarget() {
  const fromEnv = process.env.CODEX_REFERENCE_BIN;
  if (fromEnv && !existsSync(fromEnv)) throw new Error(`CODEX_REFERENCE_BIN=${fromEnv} does not exist`);
  const bin = fromEnv || (existsSync(DEFAULT_REFERENCE) ? DEFAULT_REFERENCE : null);
  if (!bin) return null;
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout?.trim() || "unknown version";
  return { key: "reference", label: "reference", command: bin, args: ["app-server"], version };
}

// The floor: a bare node process that answers one JSON line per input line and exits on EOF.
const FLOOR_SRC =
  "const rl=require('readline').createInterface({input:process.stdin});" +
  "rl.on('line',l=>{let id=null;try{id=JSON.parse(l).id}catch{}" +
  "process.stdout.write(JSON.stringify({id,result:{}})+'\\n')});";

export function floorTarget() {
  return { key: "floor", label: "bare node -e readline", command: process.execPath, args: ["-e", FLOOR_SRC] };
}

// ---------------------------------------------------------------------------------------------
// Peak RSS. GNU time reads the child's rusage after wait(), so it sees the true high-water mark
// at no cost to the child; polling /proc is the fallback and may miss the final few ms.

let rssMethodCache;

/** "gnu-time" when /usr/bin/time is GNU time and honours -f %M -o FILE, else "proc-poll". */
export function rssMethod() {
  if (rssMethodCache) return rssMethodCache;
  rssMethodCache = "proc-poll";
  if (existsSync(GNU_TIME)) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bench-time-"));
    const out = path.join(dir, "rss");
    const probe = spawnSync(GNU_TIME, ["-f", "%M", "-o", out, "true"]);
    if (probe.status === 0 && existsSync(out) && parseRssFile(out) !== null) rssMethodCache = "gnu-time";
    rmSync(dir, { recursive: true, force: true });
  }
  return rssMethodCache;
}

export function describeRssMethod() {
  return rssMethod() === "gnu-time"
    ? `GNU time -f %M (max RSS of the server process, read after exit)`
    : `polling /proc/<pid>/status VmHWM every 2 ms (GNU time unavailable; may miss the last ms)`;
}

// GNU time may prefix "Command exited with non-zero status N"; the figure is the last line.
function parseRssFile(file) {
  const last = readFileSync(file, "utf8").trim().split("\n").pop();
  return /^\d+$/.test(last ?? "") ? Number(last) : null;
}

function pollVmHwm(pid) {
  let peakKiB = null;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) peakKiB = Math.max(peakKiB ?? 0, Number(m[1]));
    } catch {
      // Gone or a zombie: keep the last reading (VmHWM only grows).
    }
  };
  read();
  const timer = setInterval(read, 2);
  return { stop: () => (clearInterval(timer), peakKiB) };
}

// ---------------------------------------------------------------------------------------------
// Launching. Every launch gets a fresh CODEX_HOME that is removed once the process is gone.

/** A fresh temp dir for CODEX_HOME, with config.toml written when given. */
export function makeHome(configToml) {
  const home = mkdtempSync(path.join(os.tmpdir(), "bench-codex-home-"));
  if (configToml) writeFileSync(path.join(home, "config.toml"), configToml);
  return home;
}

/**
 * Spawns `target` with stdio piped and a fresh CODEX_HOME. With measureRss under GNU time the
 * child runs as `time -f %M -o FILE <cmd>`; that wrapper costs both targets the same ~1 ms.
 * Returns promises for the initialize reply and for exit, each stamped with performance.now().
 */
export function launch(target, { configToml = null, measureRss = false } = {}) {
  const home = makeHome(configToml);
  const viaTime = measureRss && rssMethod() === "gnu-time";
  const rssFile = path.join(home, "..", `${path.basename(home)}.rss`);
  const [command, args] = viaTime
    ? [GNU_TIME, ["-f", "%M", "-o", rssFile, target.command, ...target.args]]
    : [target.command, target.args];

  const t0 = performance.now();
  // detached: own process group, so a timeout can kill the wrapper and the server together.
  const child = spawn(command, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, CODEX_HOME: home },
    detached: true,
  });
  const poller = measureRss && !viaTime && child.pid ? pollVmHwm(child.pid) : null;

  const stderr = tailBuffer(8192);
  child.stderr.on("data", (d) => stderr.push(d));
  const stdoutLines = [];
  const reply = watchReply(child, stdoutLines);
  const exit = new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ at: performance.now(), code, signal }));
  });
  // 'close' follows 'exit' once stdout/stderr are drained; cleanup waits for it.
  const closed = new Promise((resolve) => child.on("close", resolve));
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, RUN_TIMEOUT_MS);

  // Memoised: several callers may wait for the end of one run.
  let finished;
  const finish = () => (finished ??= settle());
  async function settle() {
    const result = await exit.catch((error) => ({ at: performance.now(), code: null, signal: null, error }));
    await closed;
    clearTimeout(timer);
    const peakKiB = viaTime && existsSync(rssFile) ? parseRssFile(rssFile) : poller ? poller.stop() : null;
    rmSync(home, { recursive: true, force: true });
    rmSync(rssFile, { force: true });
    return { ...result, peakKiB, stderrTail: stderr.text() };
  }

  return { child, t0, reply, finish, stdoutLines };
}

// Resolves with the time the first stdout line answering id 1 arrived.
function watchReply(child, lines) {
  return new Promise((resolve) => {
    let buf = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      const at = performance.now();
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (isInitReply(line)) resolve(at);
      }
    });
    child.stdout.on("end", () => resolve(null));
  });
}

function isInitReply(line) {
  const msg = parseJson(line);
  return msg?.id === 1 && msg.result !== undefined;
}

function tailBuffer(limit) {
  let text = "";
  return {
    push: (d) => void (text = (text + d.toString()).slice(-limit)),
    text: () => text,
  };
}

/** Throws with the server's last stderr lines when a run did not end cleanly. */
function assertClean(target, run, replied) {
  const problem = run.error
    ? `failed to start: ${run.error.message}`
    : run.signal
      ? `killed by ${run.signal} (timeout ${RUN_TIMEOUT_MS} ms?)`
      : run.code !== 0
        ? `exited with code ${run.code}`
        : !replied
          ? "never answered initialize"
          : null;
  if (!problem) return;
  const tail = run.stderrTail.trim().split("\n").slice(-12).join("\n  ");
  throw new Error(`${target.label} ${problem}\n  last stderr lines:\n  ${tail || "(none)"}`);
}

/** spawn → initialize reply: stdin stays open until the reply, then ends. Returns ms. */
export async function timeInitReply(target, opts = {}) {
  const run = launch(target, opts);
  run.child.stdin.on("error", () => {}); // a server that died early is reported by assertClean
  run.child.stdin.write(INIT_LINE);
  const at = await Promise.race([run.reply, run.finish().then(() => null)]);
  run.child.stdin.end();
  const done = await run.finish();
  assertClean(target, done, at !== null);
  return { ms: at - run.t0, code: done.code, stderr: done.stderrTail };
}

/** Whole process: write initialize, end stdin at once, time until exit. Also peak RSS. */
export async function timeWholeProcess(target, opts = {}) {
  const run = launch(target, { ...opts, measureRss: true });
  run.child.stdin.on("error", () => {});
  run.child.stdin.end(INIT_LINE);
  const done = await run.finish();
  assertClean(target, done, run.stdoutLines.some(isInitReply));
  const peakMiB = done.peakKiB === null ? null : done.peakKiB / 1024;
  return { ms: done.at - run.t0, code: done.code, peakMiB, stderr: done.stderrTail };
}

/**
 * Error-level messages in a run's stderr: pino records (level >= 50, ours) and tracing lines
 * with ERROR (the reference). A run can exit 0 with a subsystem switched off (e.g. telemetry
 * that failed to start); the report must say so, or the figures would describe a configuration
 * that did not really run.
 */
export function loggedErrors(stderr) {
  const found = [];
  for (const raw of stderr.split("\n")) {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "").trim();
    if (line.startsWith("{")) {
      const rec = parseJson(line);
      if (rec?.level >= 50) found.push(rec.err?.message ? `${rec.msg} (${rec.err.message})` : String(rec.msg));
    } else if (/\bERROR\b/.test(line)) {
      found.push(line.replace(/^\S+Z\s+/, "")); // drop the timestamp so repeats group together
    }
  }
  return found;
}

function parseJson(line) {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics: nearest-rank percentiles, so every figure printed is a value actually observed.

export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(samples) {
  return { n: samples.length, median: median(samples), p90: percentile(samples, 90) };
}

// ---------------------------------------------------------------------------------------------
// Output.

/** Prints rows as aligned plain-text columns; `align` is "l" or "r" per column. */
export function printTable(header, rows, align = []) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? "")));
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...r[i]].length)));
  const pad = (s, i) => {
    const fill = " ".repeat(widths[i] - [...s].length);
    return align[i] === "r" ? fill + s : s + fill;
  };
  for (const row of all) console.log(row.map(pad).join("  ").trimEnd());
}

/** Writes a progress mark to stderr only on a terminal, so piped stdout stays clean. */
export function progress(text) {
  if (process.stderr.isTTY) process.stderr.write(text);
}

// ---------------------------------------------------------------------------------------------
// OTLP sink: answers every POST with 200 and an empty body (a valid empty Export*ServiceResponse)
// and counts requests per path, so the report can show telemetry really flowed.

export async function startOtlpSink() {
  const counts = {};
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST") counts[req.url] = (counts[req.url] ?? 0) + 1;
      res.writeHead(req.method === "POST" ? 200 : 405, { "content-length": 0 }).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    port,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/** config.toml that points both OTLP exporters at a sink on `port`. */
export function otlpConfigToml(port) {
  return [
    "[otel]",
    `exporter = { otlp-http = { endpoint = "http://127.0.0.1:${port}/v1/logs", protocol = "binary" } }`,
    `metrics_exporter = { otlp-http = { endpoint = "http://127.0.0.1:${port}/v1/metrics", protocol = "binary" } }`,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Fake Responses API (plain JS, for conversation benches): every POST /v1/responses is answered
// with one assistant text message streamed as `count` output_text deltas. Events are pre-encoded
// and written SSE_EVENTS_PER_WRITE at a time, so the sink costs the bench process little.

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const SSE_EVENTS_PER_WRITE = 1000;

function sseEvent(event) {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Starts the fake model server on 127.0.0.1:0. `respondWith({count, delta})` sets the turn every
 * later request gets; `respondWith({functionCall: {name, arguments}})` makes it a tool call, and
 * `then: {…}` what the requests after that one get. Other
 * paths get 404; all requests are counted per "METHOD path".
 */
export async function startFakeResponses() {
  let turn = { count: 3, delta: "ok " };
  let served = 0;
  const counts = {};
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const key = `${req.method} ${req.url.split("?")[0]}`;
      counts[key] = (counts[key] ?? 0) + 1;
      if (req.method !== "POST" || !req.url.startsWith("/v1/responses")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      served++;
      const current = turn;
      // `then`: the turn later requests get once this one has been served (a call, then its answer).
      if (turn.then) turn = { ...turn.then };
      (current.functionCall ? playFunctionCall(res, current.functionCall, served) : playTextTurn(res, current, served)).catch(() => res.destroy());
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}/v1`,
    respondWith: (next) => void (turn = { ...next }),
    served: () => served,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

async function playTextTurn(res, { count, delta }, n) {
  const responseId = `resp_bench_${n}`;
  const itemId = `msg_bench_${n}`;
  const message = (text) => ({
    type: "message",
    role: "assistant",
    id: itemId,
    status: "completed",
    content: text ? [{ type: "output_text", text, annotations: [] }] : [],
  });
  res.writeHead(200, SSE_HEADERS);
  res.write(
    sseEvent({ type: "response.created", response: { id: responseId } }) +
      sseEvent({ type: "response.output_item.added", output_index: 0, item: { ...message(""), status: "in_progress" } }),
  );
  const one = sseEvent({ type: "response.output_text.delta", item_id: itemId, output_index: 0, content_index: 0, delta });
  const batch = one.repeat(SSE_EVENTS_PER_WRITE);
  for (let left = count; left > 0; left -= SSE_EVENTS_PER_WRITE) {
    const chunk = left >= SSE_EVENTS_PER_WRITE ? batch : one.repeat(left);
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
    if (res.destroyed) return;
  }
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: count, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 10 + count };
  res.end(
    sseEvent({ type: "response.output_item.done", output_index: 0, item: message(delta.repeat(count)) }) +
      sseEvent({ type: "response.completed", response: { id: responseId, usage } }),
  );
}

async function playFunctionCall(res, call, n) {
  const responseId = `resp_bench_${n}`;
  const item = { type: "function_call", id: `fc_bench_${n}`, status: "completed", call_id: `call_bench_${n}`, name: call.name, arguments: call.arguments };
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 11 };
  res.writeHead(200, SSE_HEADERS);
  res.end(
    sseEvent({ type: "response.created", response: { id: responseId } }) +
      sseEvent({ type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", arguments: "" } }) +
      sseEvent({ type: "response.output_item.done", output_index: 0, item }) +
      sseEvent({ type: "response.completed", response: { id: responseId, usage } }),
  );
}

/** config.toml that points the model provider at a fake Responses API (no retries, no approvals). */
export function fakeProviderToml(url) {
  return [
    'model = "bench-model"',
    'model_provider = "fake"',
    'approval_policy = "never"',
    "",
    "[model_providers.fake]",
    'name = "Fake"',
    `base_url = "${url}"`,
    'wire_api = "responses"',
    'env_key = "FAKE_API_KEY"',
    "request_max_retries = 0",
    "stream_max_retries = 0",
    "",
  ].join("\n");
}

export const FAKE_PROVIDER_ENV = { FAKE_API_KEY: "sk-bench-fake" };

// ---------------------------------------------------------------------------------------------
// A JSON-RPC session over a spawned server's stdio, for benches that drive whole conversations.
// Every stdout line is JSON-parsed (as an IDE would); times are performance.now() at the arrival
// of the chunk holding the line.

/**
 * Spawns `target` in a fresh CODEX_HOME (config.toml written when given, extra env merged) and
 * returns a session: request(method, params) → {msg, ms, at}; notify(); on(method, fn) for
 * notifications (fn(params, at)); peakRssKiB() from /proc VmHWM; close() ends stdin and waits.
 * The whole process group is killed after timeoutMs.
 */
export function startRpcSession(target, { configToml = null, env = {}, timeoutMs = 120_000 } = {}) {
  const home = makeHome(configToml);
  const child = spawn(target.command, target.args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, CODEX_HOME: home, ...env },
    detached: true,
  });
  child.stdin.on("error", () => {}); // a dead server is reported through exit
  const stderr = tailBuffer(8192);
  child.stderr.on("data", (d) => stderr.push(d));

  const pending = new Map();
  const handlers = new Map();
  const counts = new Map(); // notifications per method
  let nextId = 1;
  let lineCount = 0;
  let badLines = 0;
  let exited = null;
  let timedOut = false;

  const exit = new Promise((resolve) => {
    child.on("error", (error) => resolve({ code: null, signal: null, error }));
    child.on("exit", (code, signal) => resolve({ code, signal }));
  }).then((status) => {
    exited = status;
    const why = `${target.label} exited (${status.error?.message ?? status.signal ?? `code ${status.code}`})` +
      (timedOut ? ` after the ${timeoutMs} ms timeout` : "") + `; last stderr:\n  ${lastLines(stderr.text())}`;
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
    for (const list of handlers.values()) for (const h of list) h.onExit?.(why);
    return status;
  });
  const closed = new Promise((resolve) => child.on("close", resolve));
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, timeoutMs);

  const dispatch = (line, at) => {
    lineCount++;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      badLines++;
      return;
    }
    if (msg.id !== undefined && msg.method === undefined) {
      const p = pending.get(msg.id);
      if (p) {
        pending.delete(msg.id);
        p.resolve({ msg, at, ms: at - p.sentAt });
      }
      return;
    }
    if (msg.id !== undefined) {
      // A server→client request (an approval): nothing in these benches should ask; refuse it.
      writeLine({ id: msg.id, error: { code: -32601, message: "bench client answers no requests" } });
    }
    counts.set(msg.method, (counts.get(msg.method) ?? 0) + 1);
    const list = handlers.get(msg.method);
    if (list) for (const h of list) h.fn(msg.params, at);
  };

  // Lines are cut out of each chunk by index: no re-scanning of a growing buffer.
  let carry = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    const at = performance.now();
    let start = 0;
    let nl = chunk.indexOf("\n");
    if (nl < 0) {
      carry += chunk;
      return;
    }
    dispatch(carry + chunk.slice(0, nl), at);
    carry = "";
    start = nl + 1;
    while ((nl = chunk.indexOf("\n", start)) >= 0) {
      dispatch(chunk.slice(start, nl), at);
      start = nl + 1;
    }
    carry = chunk.slice(start);
  });

  function writeLine(obj) {
    child.stdin.write(`${JSON.stringify(obj)}\n`);
  }

  function request(method, params) {
    const id = nextId++;
    const line = `${JSON.stringify(params === undefined ? { id, method } : { id, method, params })}\n`;
    return new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${target.label} already exited`));
      const sentAt = performance.now();
      pending.set(id, { resolve, reject, sentAt });
      child.stdin.write(line);
    });
  }

  /** Resolves with the arrival time of the first `method` notification for which pred holds. */
  function waitFor(method, pred = () => true) {
    return new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${target.label} already exited`));
      const entry = {
        fn: (params, at) => {
          if (!pred(params)) return;
          off();
          resolve(at);
        },
        onExit: (why) => reject(new Error(why)),
      };
      const off = on(method, entry);
    });
  }

  function on(method, fnOrEntry) {
    const entry = typeof fnOrEntry === "function" ? { fn: fnOrEntry } : fnOrEntry;
    if (!handlers.has(method)) handlers.set(method, []);
    handlers.get(method).push(entry);
    return () => {
      const list = handlers.get(method) ?? [];
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    };
  }

  async function initialize() {
    const res = await request("initialize", { clientInfo: { name: "bench", title: null, version: "0.0.1" } });
    if (res.msg.error) throw new Error(`initialize failed: ${JSON.stringify(res.msg.error)}`);
    writeLine({ method: "initialized" });
    return res;
  }

  function peakRssKiB() {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  }

  let finished;
  /** Ends stdin (a clean shutdown) and waits for exit; kills the group after graceMs. */
  function close(graceMs = 10_000) {
    return (finished ??= (async () => {
      child.stdin.end();
      const kill = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, graceMs);
      const status = await exit;
      await closed;
      clearTimeout(kill);
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      return { ...status, timedOut, stderrTail: stderr.text() };
    })());
  }

  return {
    child,
    home,
    request,
    notify: (method, params) => writeLine(params === undefined ? { method } : { method, params }),
    on,
    waitFor,
    initialize,
    peakRssKiB,
    close,
    notificationCount: (method) => counts.get(method) ?? 0,
    lines: () => lineCount,
    badLines: () => badLines,
    stderr: () => stderr.text(),
  };
}

function lastLines(text, n = 12) {
  return text.trim().split("\n").slice(-n).join("\n  ") || "(no stderr)";
}

/** Throws when a JSON-RPC reply carries an error. */
export function expectResult(res, what) {
  if (res.msg.error) throw new Error(`${what} failed: ${JSON.stringify(res.msg.error)}`);
  return res.msg.result;
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the conversation-style benches (v2.mjs; conversation.mjs keeps its own copies).

/** Our target, run under `node --cpu-prof` into $BENCH_CPU_PROF when that is set. */
export function profiledOursTarget() {
  const target = oursTarget();
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return target;
  mkdirSync(dir, { recursive: true });
  return { ...target, label: "ours (--cpu-prof)", args: ["--cpu-prof", `--cpu-prof-dir=${path.resolve(dir)}`, ...target.args] };
}

/** Closes an RPC session (stdin EOF) and throws with its stderr tail unless it exited with 0. */
export async function closeCleanly(target, session) {
  const done = await session.close();
  if (done.code !== 0 || done.signal) {
    throw new Error(`${target.label} ended with ${done.signal ?? `code ${done.code}`}\n  last stderr lines:\n  ${lastLines(done.stderrTail)}`);
  }
  return done;
}

/**
 * A local listener that closes every connection, for pinning the reference's proxy to: it
 * refreshes its model list from chatgpt.com on every new thread, and nothing may leave 127.0.0.1.
 * `env` holds the proxy variables; `attempts()` counts refused connections.
 */
export async function startRefusingProxy() {
  let attempts = 0;
  const server = net.createServer((socket) => {
    attempts++;
    socket.destroy();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const noProxy = "127.0.0.1,localhost";
  return {
    env: { HTTPS_PROXY: url, HTTP_PROXY: url, ALL_PROXY: url, https_proxy: url, http_proxy: url, all_proxy: url, NO_PROXY: noProxy, no_proxy: noProxy },
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` n times in sequence, printing a progress dot each time. */
export async function repeat(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(await fn());
    progress(".");
  }
  return out;
}

/**
 * A src/ module bundled in memory and imported from a data: URL, for benches that time one piece
 * of the server in-process (no temp file anyone else could swap). Only for modules that bundle
 * whole (no external packages).
 */
export async function importSource(relativePath) {
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [path.join(REPO_ROOT, relativePath)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    write: false,
    logLevel: "warning",
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}

/** The codex 0.169 reference (v2 methods 0.90 lacks), or null when it is not installed. */
export function reference169Target() {
  const bin = process.env.CODEX_REFERENCE_169_BIN ?? "/tmp/ref169/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";
  if (!existsSync(bin)) return null;
  return { key: "ref169", label: "reference 0.169", command: bin, args: ["app-server"] };
}
