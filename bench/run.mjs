// `npm run bench`: runs each bench module in turn. A module exports `name` and
// `async function run(ctx)` and prints its own section; add new ones to BENCHES.
//   BENCH_RUNS=N      measured runs per target (default 15; conversation and v2: 5, slow figures capped)
//   BENCH_ONLY=a,b    only benches whose name contains one of these
//   BENCH_JSON=1      also print one JSON line of raw medians per bench
//   CODEX_REFERENCE_BIN=/path/to/codex   the reference binary (run as `<bin> app-server`)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { REFERENCE_INSTALL_HINT, REPO_ROOT, referenceTarget } from "./lib.mjs";

const BENCHES = ["startup", "conversation", "v2", "exec", "apply-patch", "sandbox", "chat-wire", "traces", "config", "models", "fs", "command-exec", "threads", "compaction", "mcp", "listen", "fuzzy", "shell-command"];

function selectedBenches() {
  const only = (process.env.BENCH_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return only.length ? BENCHES.filter((b) => only.some((o) => b.includes(o))) : BENCHES;
}

function runsFromEnv() {
  const raw = process.env.BENCH_RUNS;
  if (raw === undefined || raw === "") return 15;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_RUNS must be a positive integer, got ${raw}`);
  return n;
}

// Benchmarking without dist/ would measure nothing; build it the way `npm run build` does.
function ensureBuilt() {
  if (existsSync(path.join(REPO_ROOT, "dist/launcher.js"))) return;
  console.error("dist/ is missing; building with scripts/build.mjs");
  const built = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (built.status !== 0) throw new Error("build failed");
}

async function main() {
  ensureBuilt();
  const benches = selectedBenches();
  if (!benches.length) {
    console.error(`BENCH_ONLY=${process.env.BENCH_ONLY} matches no bench (have: ${BENCHES.join(", ")})`);
    process.exitCode = 1;
    return;
  }
  const reference = referenceTarget();
  if (!reference) console.log(`note: reference binary not found; install it with: ${REFERENCE_INSTALL_HINT}\n`);
  // runsSet: whether BENCH_RUNS was given, for benches whose own default differs from 15.
  const base = { runs: runsFromEnv(), runsSet: Boolean(process.env.BENCH_RUNS), reference };

  for (const name of benches) {
    const mod = await import(`./${name}.mjs`);
    const json = (data) => {
      if (process.env.BENCH_JSON === "1") console.log(JSON.stringify({ bench: name, ...data }));
    };
    try {
      await mod.run({ ...base, json });
    } catch (error) {
      // One failed bench fails the command but does not hide the others.
      console.error(`bench ${name} failed: ${error.message}`);
      process.exitCode = 1;
    }
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
