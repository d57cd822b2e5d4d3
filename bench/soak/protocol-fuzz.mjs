// Protocol fuzz at length: for each seed, FUZZ lines of random and mutated input (plus one line
// over the 32 MiB cap) written to the real bin; every numbered request must get exactly one reply,
// stdout must hold JSON lines only, and once the fuzz's own requests are answered the server must
// answer getUserAgent within 1 s. The test suite runs the same generator over 10,000 lines
// (test/integration/fault-protocol-fuzz.test.ts).
//   SOAK_FUZZ_LINES=N      lines per seed (default 100,000)
//   SOAK_FUZZ_SEEDS=a,b,c  seeds (default 1,2,3)
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { checkNumberedReplies, protocolFuzz } from "../../test/support/protocol-fuzz.mjs";
import { makeHome, REPO_ROOT } from "../lib.mjs";

export const name = "protocol-fuzz";

const LINES = Number(process.env.SOAK_FUZZ_LINES ?? 100_000);
const SEEDS = (process.env.SOAK_FUZZ_SEEDS ?? "1,2,3").split(",").map(Number);
const OVERSIZED = `{"id":"oversized","method":"getUserAgent","params":{"pad":"${"x".repeat(33 * 1024 * 1024)}"}}\n`;
// Anything that reaches a model reaches a closed port on 127.0.0.1.
const CONFIG = `model = "m"
model_provider = "local"
[model_providers.local]
name = "local"
base_url = "http://127.0.0.1:1/v1"
request_max_retries = 0
stream_max_retries = 0
`;

/** Prints the figures of each seed; throws when a seed failed. */
export async function run() {
  const figures = {};
  let ok = true;
  for (const seed of SEEDS) {
    process.stderr.write(`protocol-fuzz: seed ${seed}, ${LINES} lines...\n`);
    const r = await fuzzOnce(seed);
    const pass = r.missing === 0 && r.repeated === 0 && r.nonJson === 0 && r.alive && r.afterMs !== null && r.afterMs < 1000;
    ok &&= pass;
    figures[`seed ${seed}: lines / numbered / MiB`] = `${LINES} / ${r.numbered} / ${(r.bytes / 2 ** 20).toFixed(1)}`;
    figures[`seed ${seed}: missing / repeated / non-JSON`] = `${r.missing} / ${r.repeated} / ${r.nonJson}`;
    const ms = (v) => (v === null ? "no reply" : `${v.toFixed(1)} ms`);
    figures[`seed ${seed}: numbered answered / quiet after`] = `${(r.drainMs / 1000).toFixed(1)} s / ${(r.quietMs / 1000).toFixed(1)} s`;
    figures[`seed ${seed}: getUserAgent busy / quiet`] = `${ms(r.busyMs)} / ${ms(r.afterMs)}`;
    figures[`seed ${seed}: peak RSS`] = `${(r.peakKiB / 1024).toFixed(0)} MiB`;
    figures[`seed ${seed}: alive`] = `${r.alive}${pass ? "" : "  <- FAILED"}`;
    if (!r.alive) figures[`seed ${seed}: exit`] = `${JSON.stringify(r.exit)}; stderr ends:\n${r.stderrTail.slice(-1500)}`;
  }
  for (const [label, value] of Object.entries(figures)) console.log(`  ${label.padEnd(44)} ${value}`);
  if (!ok) throw new Error("a numbered request went unanswered or was answered twice, stdout held non-JSON, or the server died or stalled");
}

async function fuzzOnce(seed) {
  const home = makeHome(CONFIG);
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/codex-app-server.js")], {
    env: { ...process.env, CODEX_HOME: home },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.on("error", () => {});
  let stderrTail = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderrTail = (stderrTail + d).slice(-4000)));
  let exit = null;
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve((exit = { code, signal }))));
  const messages = [];
  const arrivals = new Map(); // string id -> when its reply was read
  let nonJson = 0;
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop();
    for (const line of lines) {
      try {
        const message = JSON.parse(line);
        messages.push(message);
        if (typeof message.id === "string") arrivals.set(message.id, performance.now());
      } catch {
        nonJson++;
      }
    }
  });
  let peakKiB = 0;
  const rss = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
    } catch {}
  }, 100);
  try {
    child.stdin.write('{"id":"init","method":"initialize","params":{"clientInfo":{"name":"soak","title":null,"version":"1"}}}\n');
    const { writes, numbered, bytes } = protocolFuzz({ seed, lines: LINES });
    const started = performance.now();
    const half = writes.length >> 1;
    for (let i = 0; i < writes.length; i++) {
      if (i === half) child.stdin.write(OVERSIZED);
      if (exit) break;
      if (!child.stdin.write(writes[i])) await Promise.race([new Promise((r) => child.stdin.once("drain", r)), exited]);
    }
    let check = checkNumberedReplies(messages, numbered);
    const deadline = Date.now() + 600_000;
    while (check.missing.length && !exit && Date.now() < deadline) {
      await sleep(200);
      check = checkNumberedReplies(messages, numbered);
    }
    const drainMs = performance.now() - started;
    // At once, while the fuzz's own requests may still run (a figure), then once stdout has been
    // quiet for 2 s (the check).
    const busyMs = await userAgentMs(child, arrivals, "at-once");
    let seen = -1;
    while (messages.length !== seen && !exit && Date.now() < deadline) {
      seen = messages.length;
      await sleep(2_000);
    }
    const quietMs = performance.now() - started;
    const afterMs = await userAgentMs(child, arrivals, "after");
    check = checkNumberedReplies(messages, numbered);
    return {
      numbered: numbered.length,
      bytes,
      missing: check.missing.length,
      repeated: check.repeated.length,
      nonJson,
      drainMs,
      quietMs,
      busyMs,
      afterMs,
      peakKiB,
      alive: exit === null,
      exit,
      stderrTail,
    };
  } finally {
    clearInterval(rss);
    child.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  }
}

/** Milliseconds until getUserAgent is answered, or null after 5 s. */
async function userAgentMs(child, arrivals, id) {
  const asked = performance.now();
  child.stdin.write(`{"id":"${id}","method":"getUserAgent"}\n`);
  while (performance.now() - asked < 5_000) {
    const at = arrivals.get(id);
    if (at !== undefined) return at - asked;
    await sleep(1);
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
