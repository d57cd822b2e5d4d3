// Sandbox bench: what bubblewrap adds to one command. Median wall time from spawn() to exit of
// `true`, bare and wrapped the way prepareSandboxedSpawn wraps it (read-only; workspace-write
// without and with network), plus the time prepareSandboxedSpawn itself takes (realpaths, .git
// checks). Target: <= 15 ms added per command. Then the same `true` as a model's shell call through
// the real server (v1, approval never): exec_command_begin to exec_command_end at the client,
// danger-full-access against read-only and workspace-write.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  closeCleanly,
  expectResult,
  FAKE_PROVIDER_ENV,
  fakeProviderToml,
  importSource,
  oursTarget,
  printTable,
  progress,
  startFakeResponses,
  startRpcSession,
  summarize,
} from "./lib.mjs";

export const name = "sandbox";

const TARGET_ADDED_MS = 15;
// Spawning `true` is cheap: take more samples than the server benches unless BENCH_RUNS says.
const DEFAULT_RUNS = 60;

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
  const sandbox = await importSource("src/sandbox/prepare-spawn.ts");
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
    const server = await throughServer(Math.min(runs, 40), cwd);
    console.log(`\n## sandbox: \`true\` as a shell call through the server (exec_command_begin to _end, ${server.runs} runs each)\n`);
    const bareServer = server.medians["danger-full-access"];
    printTable(
      ["sandbox_mode", "median ms", "p90 ms", "added ms", `target <= ${TARGET_ADDED_MS}`],
      Object.entries(server.summaries).map(([mode, s]) => {
        if (mode === "danger-full-access") return [mode, s.median.toFixed(1), s.p90.toFixed(1), "", ""];
        const added = s.median - bareServer;
        return [mode, s.median.toFixed(1), s.p90.toFixed(1), added.toFixed(1), added <= TARGET_ADDED_MS ? "ok" : "MISSED"];
      }),
      ["l", "r", "r", "r", "l"],
    );
    ctx.json({ runs, ...Object.fromEntries(variants.map((v) => [v.key, summarize(samples[v.key]).median])), prepareMs: prep.median, server: server.medians });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const SERVER_MODES = ["danger-full-access", "read-only", "workspace-write"];

/**
 * One server per sandbox_mode, each with one conversation whose turns are one `true` shell call
 * each; the modes take turns so drift on a shared machine hits them alike.
 */
async function throughServer(runs, cwd) {
  const fakes = [];
  const sessions = [];
  try {
    for (const mode of SERVER_MODES) {
      const fake = await startFakeResponses();
      const session = startRpcSession(oursTarget(), { configToml: `sandbox_mode = "${mode}"\n${fakeProviderToml(fake.url)}`, env: FAKE_PROVIDER_ENV });
      fakes.push(fake);
      sessions.push(session);
      await session.initialize();
      const conv = expectResult(await session.request("newConversation", { cwd }), "newConversation");
      expectResult(await session.request("addConversationListener", { conversationId: conv.conversationId }), "addConversationListener");
      session.conversationId = conv.conversationId;
    }
    const samples = Object.fromEntries(SERVER_MODES.map((m) => [m, []]));
    for (let i = -3; i < runs; i++) {
      for (let k = 0; k < SERVER_MODES.length; k++) {
        const j = (k + i + 3) % SERVER_MODES.length;
        const ms = await oneShellCall(sessions[j], fakes[j]);
        if (i >= 0) samples[SERVER_MODES[j]].push(ms);
      }
      progress(".");
    }
    progress("\n");
    for (const session of sessions) await closeCleanly(oursTarget(), session);
    const summaries = Object.fromEntries(SERVER_MODES.map((m) => [m, summarize(samples[m])]));
    return { runs, summaries, medians: Object.fromEntries(SERVER_MODES.map((m) => [m, summaries[m].median])) };
  } finally {
    for (const session of sessions) await session.close();
    for (const fake of fakes) await fake.close();
  }
}

async function oneShellCall(session, fake) {
  fake.respondWith({ functionCall: { name: "shell", arguments: JSON.stringify({ command: ["true"] }) } });
  const began = session.waitFor("codex/event/exec_command_begin");
  const ended = new Promise((resolve) => {
    const off = session.on("codex/event/exec_command_end", (params, at) => {
      off();
      resolve({ at, exitCode: params.msg.exit_code });
    });
  });
  const done = session.waitFor("codex/event/task_complete");
  expectResult(await session.request("sendUserMessage", { conversationId: session.conversationId, items: [{ type: "text", data: { text: "true" } }] }), "sendUserMessage");
  const beganAt = await began;
  fake.respondWith({ count: 1, delta: "done" });
  const end = await ended;
  await done;
  if (end.exitCode !== 0) throw new Error(`\`true\` exited ${end.exitCode} through the server`);
  return end.at - beganAt;
}

// Standalone: node bench/sandbox.mjs
if (import.meta.url === `file://${process.argv[1]}`) {
  const raw = process.env.BENCH_RUNS;
  await run({ runs: raw ? Number(raw) : DEFAULT_RUNS, runsSet: Boolean(raw), json: () => {} });
}
