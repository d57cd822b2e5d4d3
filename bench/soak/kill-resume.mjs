// Soak: one conversation through many server deaths. Each round a fresh server resumes it, starts
// a turn, and is killed mid-turn (streaming) or mid-command (a `sleep`), by SIGTERM or SIGKILL in
// turn. After every death the rollout must still parse (a torn last line allowed after SIGKILL)
// and hold every line it held before; at the end a server resumes it and completes a turn.
//   SOAK_KILL_ROUNDS=N   rounds (default 40)
import { randomInt } from "node:crypto";
import { once } from "node:events";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { startFaultModelServer } from "../fault-model-server.mjs";
import { expectResult, FAKE_PROVIDER_ENV, fakeProviderToml, makeHome, oursTarget, startRpcSession } from "../lib.mjs";

export const name = "kill and resume";

/** Live processes whose command line holds `marker`. */
function processesWith(marker) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/** Whole lines of the rollout (throws on a bad one) and whether a torn last line follows them. */
function readRollout(file) {
  const lines = readFileSync(file, "utf8").split("\n");
  const torn = lines.pop() !== "";
  lines.forEach((line, i) => {
    try {
      JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1} is not JSON: ${line.slice(0, 120)}`);
    }
  });
  return { lines, torn };
}

async function waitUntil(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

export async function run() {
  const rounds = Number(process.env.SOAK_KILL_ROUNDS ?? 40);
  const model = await startFaultModelServer();
  const toml = fakeProviderToml(model.url);
  const home = makeHome(toml);
  const target = oursTarget();
  const env = { ...FAKE_PROVIDER_ENV, CODEX_HOME: home };
  const marker = `30.${randomInt(1e8, 1e9)}`;
  let rolloutPath;
  let kept = [];
  const stats = { torn: 0, orphaned: 0, exits: {} };
  const started = Date.now();
  try {
    for (let round = 1; round <= rounds; round++) {
      const signal = round % 2 ? "SIGTERM" : "SIGKILL";
      const midCommand = Math.floor((round - 1) / 2) % 2 === 1;
      const session = startRpcSession(target, { configToml: toml, env, timeoutMs: 60_000 });
      await session.initialize();
      const opened = rolloutPath
        ? expectResult(await session.request("resumeConversation", { path: rolloutPath }), "resumeConversation")
        : expectResult(await session.request("newConversation", { cwd: process.cwd() }), "newConversation");
      rolloutPath ??= opened.rolloutPath;
      const { conversationId } = opened;
      expectResult(await session.request("addConversationListener", { conversationId }), "addConversationListener");
      model.enqueue(midCommand ? { kind: "call", callId: `call_${round}`, command: ["bash", "-c", `sleep ${marker}`] } : { kind: "slow", count: 200, delayMs: 50 });
      const begun = session.waitFor(midCommand ? "codex/event/exec_command_begin" : "codex/event/agent_message_delta");
      expectResult(await session.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: `round ${round}` } }] }), "sendUserMessage");
      await begun;
      if (midCommand) await waitUntil(() => processesWith(marker).length > 0, 10_000, "the command to run");
      // Exit first, then close(): its stdin EOF must not race the signal (a signal during an
      // EOF shutdown counts as a second one and exits 143 at once).
      const exited = once(session.child, "exit");
      session.child.kill(signal);
      await exited;
      const exit = await session.close();
      if (signal === "SIGTERM" && exit.code !== 0) throw new Error(`round ${round}: SIGTERM exit ${exit.signal ?? exit.code}`);
      const how = exit.signal ?? `code ${exit.code}`;
      stats.exits[`${signal} → ${how}`] = (stats.exits[`${signal} → ${how}`] ?? 0) + 1;
      if (midCommand) {
        const left = processesWith(marker);
        if (signal === "SIGTERM" && left.length) throw new Error(`round ${round}: commands alive after SIGTERM: ${left}`);
        stats.orphaned += left.length;
        for (const pid of left) process.kill(pid, "SIGKILL");
      }
      const now = readRollout(rolloutPath);
      if (now.torn) stats.torn++;
      if (signal === "SIGTERM" && now.torn) throw new Error(`round ${round}: torn last line after SIGTERM`);
      const lost = kept.filter((line, i) => now.lines[i] !== line).length;
      if (lost) throw new Error(`round ${round}: ${lost} earlier rollout lines changed or lost`);
      if (!now.lines.some((l) => l.includes(`round ${round}`))) throw new Error(`round ${round}: the user message is not in the rollout`);
      kept = now.lines;
    }
    const last = startRpcSession(target, { configToml: toml, env, timeoutMs: 60_000 });
    await last.initialize();
    const { conversationId } = expectResult(await last.request("resumeConversation", { path: rolloutPath }), "resumeConversation");
    expectResult(await last.request("addConversationListener", { conversationId }), "addConversationListener");
    model.enqueue({ kind: "text", text: "still here" });
    const done = new Promise((resolve) => last.on("codex/event/task_complete", resolve));
    expectResult(await last.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "still there?" } }] }), "sendUserMessage");
    const complete = await done;
    if (complete.msg.last_agent_message !== "still here") throw new Error(`final turn: ${JSON.stringify(complete.msg)}`);
    const status = await last.close();
    if (status.code !== 0) throw new Error(`final server exited ${status.signal ?? status.code}`);
  } finally {
    for (const pid of processesWith(marker)) process.kill(pid, "SIGKILL");
    rmSync(home, { recursive: true, force: true });
    await model.close();
  }
  console.log(`${rounds} deaths (SIGTERM/SIGKILL × mid-turn/mid-command) of one conversation in ${((Date.now() - started) / 1000).toFixed(1)} s; exits: ${JSON.stringify(stats.exits)}`);
  console.log(`rollout: ${kept.length} lines, none lost; torn last lines seen after SIGKILL: ${stats.torn}; commands left running after SIGKILL: ${stats.orphaned} (no reaper yet)`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
