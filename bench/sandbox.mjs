// Sandbox bench: what bubblewrap adds to one command. Median wall time from spawn() to exit of
// `true`, bare and wrapped the way prepareSandboxedSpawn wraps it (read-only; workspace-write
// without and with network), plus the time prepareSandboxedSpawn itself takes (realpaths, .git
// checks). Target: <= 15 ms added per command.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { build } from "esbuild";
import { printTable, progress, REPO_ROOT, summarize } from "./lib.mjs";

export const name = "sandbox";

const TARGET_ADDED_MS = 15;
// Spawning `true` is cheap: take more samples than the server benches unless BENCH_RUNS says.
const DEFAULT_RUNS = 60;

/** src/sandbox bundled in memory and imported from a data: URL: no file anyone else could swap. */
async function loadSandboxModule() {
  const out = await build({
    entryPoints: [path.join(REPO_ROOT, "src/sandbox/prepare-spawn.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    write: false,
    logLevel: "warning",
  });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

function timeSpawn(file, args, cwd, env) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, args, { cwd, env, stdio: "ignore" });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${file} exited ${code}`))));
  });
}

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const sandbox = await loadSandboxModule();
  const work = mkdtempSync(path.join(os.tmpdir(), "bench-sandbox-"));
  const cwd = path.join(work, "repo");
  mkdirSync(path.join(cwd, ".git"), { recursive: true });
  const env = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" };
  const request = { command: ["true"], cwd, policyCwd: cwd, env };
  try {
    const probe = await sandbox.prepareSandboxedSpawn({ type: "read-only" }, request);
    console.log("\n## sandbox: cost of bubblewrap per command (`true`)\n");
    if (sandbox.isRefusal(probe)) {
      console.log(`skipped: ${probe.refused}`);
      return;
    }
    const variants = [
      { key: "bare", label: "bare spawn (danger-full-access)", policy: { type: "danger-full-access" } },
      { key: "readOnly", label: "bwrap read-only", policy: { type: "read-only" } },
      { key: "ww", label: "bwrap workspace-write", policy: { type: "workspace-write" } },
      { key: "wwNet", label: "bwrap workspace-write + network", policy: { type: "workspace-write", network_access: true } },
      // bwrap's own floor (one mount namespace, nothing else): how much of the cost is ours.
      { key: "floor", label: "bwrap --ro-bind / / only (floor)", raw: ["--ro-bind", "/", "/", "--", "true"] },
    ];
    const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
    const prepareMs = [];
    for (let i = -3; i < runs; i++) {
      // Rotate the order so drift on a shared machine hits every variant alike; i < 0 warms up.
      const order = variants.map((_, k) => variants[(k + i + 3) % variants.length]);
      for (const v of order) {
        const t0 = performance.now();
        const prepared = v.raw ? { file: probe.file, args: v.raw, cwd, env } : await sandbox.prepareSandboxedSpawn(v.policy, request);
        const t1 = performance.now();
        if (sandbox.isRefusal(prepared)) throw new Error(prepared.refused);
        const ms = await timeSpawn(prepared.file, prepared.args, prepared.cwd, prepared.env);
        if (i < 0) continue;
        samples[v.key].push(ms);
        if (v.key === "ww") prepareMs.push(t1 - t0);
      }
      progress(".");
    }
    progress("\n");
    const bare = summarize(samples.bare);
    const rows = variants.map((v) => {
      const s = summarize(samples[v.key]);
      const added = v.key === "bare" ? "" : (s.median - bare.median).toFixed(1);
      const verdict = v.key === "bare" ? "" : s.median - bare.median <= TARGET_ADDED_MS ? "ok" : "MISSED";
      return [v.label, s.median.toFixed(1), s.p90.toFixed(1), added, verdict];
    });
    const prep = summarize(prepareMs);
    rows.push(["prepareSandboxedSpawn (workspace-write)", prep.median.toFixed(2), prep.p90.toFixed(2), "", ""]);
    printTable(["variant", "median ms", "p90 ms", "added ms", `target <= ${TARGET_ADDED_MS}`], rows, ["l", "r", "r", "r", "l"]);
    // bwrap's cost is namespace and mount set-up in the kernel: it grows with the machine's load.
    const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
    console.log(`\n${runs} runs each, ${os.cpus().length} CPUs, load average ${load}; bwrap: ${probe.file}`);
    ctx.json({ runs, ...Object.fromEntries(variants.map((v) => [v.key, summarize(samples[v.key]).median])), prepareMs: prep.median });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Standalone: node bench/sandbox.mjs
if (import.meta.url === `file://${process.argv[1]}`) {
  const raw = process.env.BENCH_RUNS;
  await run({ runs: raw ? Number(raw) : DEFAULT_RUNS, runsSet: Boolean(raw), json: () => {} });
}
