// Config bench: warm round trips of config/read (with layers) and config/value/write on one
// long-lived server, ours against the reference when it is installed (0.169 has these methods).
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { makeHome, oursTarget, printTable, summarize } from "./lib.mjs";

export const name = "config";

const TARGET_READ_MS = 5;
const WARMUP = 20;
const CONFIG_TOML = `# bench config\nmodel = "o3"\napproval_policy = "never"\n\n[profiles.fast]\nmodel = "gpt-5"\n\n[sandbox_workspace_write]\nwritable_roots = ["/tmp/a"]\n`;

/** The 0.169 reference, when installed where the issue says; 0.90 (ctx.reference) has no config/read. */
function reference169() {
  const bin = process.env.CODEX_REFERENCE_169_BIN ?? "/tmp/ref169/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";
  try {
    readFileSync(bin, { flag: "r" }).length;
  } catch {
    return null;
  }
  return { key: "ref169", label: "reference 0.169", command: bin, args: ["app-server"] };
}

function client(target) {
  const home = makeHome(CONFIG_TOML);
  const child = spawn(target.command, target.args, { stdio: ["pipe", "pipe", "ignore"], env: { ...process.env, CODEX_HOME: home } });
  const waiting = new Map();
  let buf = "";
  let next = 1;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const msg = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      const w = waiting.get(msg.id);
      if (w && (msg.result !== undefined || msg.error !== undefined)) {
        waiting.delete(msg.id);
        w(msg);
      }
    }
  });
  const request = (method, params) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  const close = async () => {
    child.stdin.end();
    await new Promise((r) => child.on("close", r));
    rmSync(home, { recursive: true, force: true });
  };
  return { request, close, file: path.join(home, "config.toml") };
}

async function timeMany(c, n, make) {
  const samples = [];
  for (let i = 0; i < WARMUP + n; i++) {
    const [method, params] = make(i);
    const t0 = performance.now();
    const res = await c.request(method, params);
    const ms = performance.now() - t0;
    if (res.error) throw new Error(`${method}: ${res.error.message}`);
    if (i >= WARMUP) samples.push(ms);
  }
  return summarize(samples);
}

export async function run(ctx) {
  const n = Math.max(ctx.runs * 10, 50);
  const rows = [];
  const json = {};
  for (const target of [oursTarget(), reference169()].filter(Boolean)) {
    const c = client(target);
    try {
      await c.request("initialize", { clientInfo: { name: "bench", version: "1" } });
      const read = await timeMany(c, n, () => ["config/read", { includeLayers: true }]);
      const write = await timeMany(c, n, (i) => ["config/value/write", { keyPath: "model", value: `m${i}`, mergeStrategy: "replace" }]);
      rows.push([target.label, "config/read (layers)", read.n, read.median.toFixed(2), read.p90.toFixed(2), target.key === "ours" ? `≤ ${TARGET_READ_MS}` : ""]);
      rows.push([target.label, "config/value/write", write.n, write.median.toFixed(2), write.p90.toFixed(2), ""]);
      json[target.key] = { readMs: read.median, writeMs: write.median };
    } finally {
      await c.close();
    }
  }
  console.log("\n== config: warm request round trips (ms) ==");
  printTable(["target", "request", "n", "median", "p90", "target"], rows, ["l", "l", "r", "r", "r", "l"]);
  ctx.json(json);
}
