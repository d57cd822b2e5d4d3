// thread/shellCommand bench: request → turn/completed of the user's `true` in a warm server
// (reply, turn/started, the commandExecution item, turn/completed: the whole turn it makes), ours
// beside codex 0.169 when installed. Most of it is bash starting as a login shell (`bash -lc`),
// so the same figure is given for a bare `bash -lc true` spawned from this process.
//   BENCH_RUNS=N   processes (default 3); each measures CALLS commands after WARMUP
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import {
  closeCleanly,
  expectResult,
  FAKE_PROVIDER_ENV,
  fakeProviderToml,
  oursTarget,
  printTable,
  progress,
  reference169Target,
  startFakeResponses,
  startRpcSession,
  summarize,
} from "./lib.mjs";

export const name = "shell-command";

const DEFAULT_RUNS = 3;
const CALLS = 20;
const WARMUP = 3;

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const fake = await startFakeResponses();
  const rows = [];
  const json = {};
  try {
    const targets = [oursTarget(), reference169Target()].filter(Boolean);
    for (const target of targets) {
      const m = await measure(target, fake.url, runs);
      rows.push([`${target.label}: thread/shellCommand \`true\` → turn/completed`, `${m.median.toFixed(2)} ms`, `${m.p90.toFixed(2)} ms`]);
      json[`${target.key}MedianMs`] = m.median;
    }
    const bare = bareShell(runs * CALLS);
    rows.push(["floor: `bash -lc true` spawned here", `${bare.median.toFixed(2)} ms`, `${bare.p90.toFixed(2)} ms`]);
    json.bashMedianMs = bare.median;
    if (!reference169Target()) rows.push(["(reference 0.169 not installed: not measured)", "", ""]);
  } finally {
    await fake.close();
  }
  console.log(`\n## thread/shellCommand (${runs} processes × ${CALLS} commands each, warm)\n`);
  printTable(["figure", "median", "p90"], rows);
  ctx.json(json);
}

async function measure(target, url, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const s = startRpcSession(target, { configToml: fakeProviderToml(url), env: FAKE_PROVIDER_ENV });
    await s.initialize();
    const started = expectResult(await s.request("thread/start", { cwd: "/tmp" }), "thread/start");
    const threadId = started.thread.id;
    for (let n = 0; n < WARMUP + CALLS; n++) {
      const t = performance.now();
      const done = s.waitFor("turn/completed", (p) => p.threadId === threadId);
      expectResult(await s.request("thread/shellCommand", { threadId, command: "true" }), "thread/shellCommand");
      const at = await done;
      if (n >= WARMUP) samples.push(at - t);
    }
    await closeCleanly(target, s);
    progress(".");
  }
  progress("\n");
  return summarize(samples);
}

function bareShell(count) {
  const samples = [];
  for (let n = 0; n < count; n++) {
    const t = performance.now();
    spawnSync("bash", ["-lc", "true"], { stdio: "ignore" });
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}
