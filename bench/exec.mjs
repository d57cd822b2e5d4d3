// Command bench: what running a command costs (spawn to result of `true`, in-process, so the
// figure is the exec layer's own and not a turn's), and how much memory the server peaks at
// while a command floods output to a client that has stopped reading.
//   BENCH_EXEC_MB=N   megabytes the flooding command writes (default 600; 0 skips that part)
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  closeCleanly,
  expectResult,
  fakeProviderToml,
  FAKE_PROVIDER_ENV,
  importSource,
  oursTarget,
  printTable,
  progress,
  sleep,
  startFakeResponses,
  startRpcSession,
  summarize,
} from "./lib.mjs";

export const name = "exec";

const SPAWN_RUNS = 300;
const FLOOD_TARGET_MIB = 150;

export async function run(ctx) {
  const spawn = await spawnLatency();
  console.log(`\n## exec: spawn latency of \`true\` (runCommand, ${spawn.n} runs, in-process)\n`);
  printTable(["median", "p90"], [[`${spawn.median.toFixed(2)} ms`, `${spawn.p90.toFixed(2)} ms`]], ["r", "r"]);

  const megabytes = Number(process.env.BENCH_EXEC_MB ?? 600);
  if (megabytes === 0) return ctx.json({ spawnMedianMs: spawn.median, spawnP90Ms: spawn.p90 });
  const flood = await floodWhileNotReading(megabytes);
  console.log(`\n## exec: ${megabytes} MB of command output, client not reading for ${flood.pausedMs} ms\n`);
  printTable(
    // The target is for the server whose client stopped reading; the whole run adds the
    // garbage of pushing every byte through base64 and JSON once the client reads again.
    ["peak RSS while not reading", "target", "peak RSS, whole run", "output bytes delivered", "turn"],
    [
      [
        `${flood.pausedPeakMiB.toFixed(1)} MiB`,
        `<= ${FLOOD_TARGET_MIB} MiB ${flood.pausedPeakMiB <= FLOOD_TARGET_MIB ? "ok" : "MISSED"}`,
        `${flood.peakMiB.toFixed(1)} MiB`,
        flood.delivered.toLocaleString("en-US"),
        flood.ended,
      ],
    ],
    ["r", "l", "r", "r", "l"],
  );
  ctx.json({ spawnMedianMs: spawn.median, spawnP90Ms: spawn.p90, floodPausedPeakMiB: flood.pausedPeakMiB, floodPeakMiB: flood.peakMiB });
}

// runCommand straight from src/, bundled on the fly: the bin offers no way to time one spawn.
async function spawnLatency() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-exec-"));
  try {
    const { runCommand } = await importSource("src/tools/exec.ts");
    const request = { command: ["true"], cwd: dir, env: { PATH: process.env.PATH } };
    for (let i = 0; i < 20; i++) await runCommand(request); // warm-up
    const samples = [];
    for (let i = 0; i < SPAWN_RUNS; i++) {
      const t0 = performance.now();
      const result = await runCommand(request);
      samples.push(performance.now() - t0);
      if (result.exitCode !== 0) throw new Error(`\`true\` exited ${result.exitCode}: ${result.stderr}`);
    }
    return summarize(samples);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PAUSE_MS = 5_000;

// A v1 conversation whose one command writes `megabytes` MB to stdout; the client stops reading
// as the command starts, then reads everything. Peak RSS is the server's VmHWM over the whole run.
async function floodWhileNotReading(megabytes) {
  const fake = await startFakeResponses();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-exec-flood-"));
  const session = startRpcSession(oursTarget(), { configToml: fakeProviderToml(fake.url), env: FAKE_PROVIDER_ENV, timeoutMs: 600_000 });
  try {
    await session.initialize();
    const conv = expectResult(await session.request("newConversation", { cwd: dir }), "newConversation");
    expectResult(await session.request("addConversationListener", { conversationId: conv.conversationId }), "addConversationListener");
    let delivered = 0;
    session.on("codex/event/exec_command_output_delta", (params) => (delivered += Buffer.from(params.msg.chunk, "base64").length));
    const command = ["bash", "-c", `head -c ${megabytes * 1_000_000} /dev/zero`];
    fake.respondWith({ functionCall: { name: "shell", arguments: JSON.stringify({ command, timeout_ms: 600_000 }) } });
    const began = session.waitFor("codex/event/exec_command_begin");
    const ended = session.waitFor("codex/event/task_complete");
    const aborted = session.waitFor("codex/event/turn_aborted").then(() => "aborted");
    expectResult(
      await session.request("sendUserMessage", { conversationId: conv.conversationId, items: [{ type: "text", data: { text: "flood" } }] }),
      "sendUserMessage",
    );
    await began;
    fake.respondWith({ count: 1, delta: "done" });
    session.child.stdout.pause();
    await sleep(PAUSE_MS);
    const pausedPeakKiB = session.peakRssKiB();
    session.child.stdout.resume();
    const outcome = await Promise.race([ended.then(() => "completed"), aborted]);
    progress(".");
    const peakKiB = session.peakRssKiB();
    await closeCleanly(oursTarget(), session);
    return { pausedMs: PAUSE_MS, pausedPeakMiB: pausedPeakKiB / 1024, peakMiB: peakKiB / 1024, delivered, ended: outcome };
  } finally {
    await session.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
