// command/exec bench: request → result of `true` over stdio in a warm server, sandboxed
// (read-only: bubblewrap wraps it) beside unsandboxed (danger-full-access, the floor for the
// sandbox's cost) and beside codex 0.169 serving the same request when it is installed.
// (0.169's own sandbox needs its codex-linux-sandbox helper, absent from the npm package here,
// so it is measured unsandboxed only.)
//   BENCH_RUNS=N   processes (default 3); each measures CALLS calls per policy after WARMUP
import { performance } from "node:perf_hooks";
import { closeCleanly, expectResult, oursTarget, printTable, progress, reference169Target, startRpcSession, summarize } from "./lib.mjs";

export const name = "command-exec";

const DEFAULT_RUNS = 3;
const CALLS = 40;
const WARMUP = 5;
const POLICIES = [
  ["sandboxed (readOnly, bwrap)", { type: "readOnly" }],
  ["unsandboxed (dangerFullAccess)", { type: "dangerFullAccess" }],
];

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const rows = [];
  const json = {};
  const ref = reference169Target();
  const targets = [[oursTarget(), POLICIES]];
  if (ref) targets.push([ref, POLICIES.slice(1)]);
  for (const [target, policies] of targets) {
    for (const [label, policy] of policies) {
      const m = await measure(target, policy, runs);
      rows.push([`${target.label}: command/exec \`true\`, ${label}`, `${m.median.toFixed(2)} ms`, `${m.p90.toFixed(2)} ms`]);
      json[`${target.key}${policy.type}MedianMs`] = m.median;
    }
  }
  if (!ref) rows.push(["(reference 0.169 not installed: not measured)", "", ""]);
  console.log(`\n## command/exec (${runs} processes × ${CALLS} calls each, warm)\n`);
  printTable(["figure", "median", "p90"], rows);
  ctx.json(json);
}

async function measure(target, sandboxPolicy, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const s = startRpcSession(target, {});
    await s.initialize();
    const params = { command: ["true"], cwd: "/tmp", sandboxPolicy };
    for (let n = 0; n < WARMUP + CALLS; n++) {
      const t = performance.now();
      const result = expectResult(await s.request("command/exec", params), "command/exec");
      if (result.exitCode !== 0) throw new Error(`${target.label}: \`true\` exited ${result.exitCode}: ${result.stderr}`);
      if (n >= WARMUP) samples.push(performance.now() - t);
    }
    await closeCleanly(target, s);
    progress(".");
  }
  progress("\n");
  return summarize(samples);
}
