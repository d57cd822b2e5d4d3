// Soak: one very long v1 turn (default 1,500,000 deltas of 400 characters: 600 MB of text, over
// 1 GB of notifications) read by a client that keeps stopping for a while. The server must wait
// for it rather than buffer: its peak RSS (VmHWM) stays near its idle size.
//   SOAK_SLOW_DELTAS=N     deltas in the turn
//   SOAK_SLOW_PAUSE_MS=N   how long each reading pause lasts (default 500; reading 500 between)
import { setTimeout as delay } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { startFaultModelServer } from "../fault-model-server.mjs";
import { closeCleanly, expectResult, FAKE_PROVIDER_ENV, fakeProviderToml, oursTarget, startRpcSession } from "../lib.mjs";
import { memory, mib } from "../soak-lib.mjs";

export const name = "slow client";

const DELTA = "0123456789".repeat(40);
/** Peak RSS above the idle size that counts as buffering the turn. */
const GROWTH_LIMIT_MIB = 100;

export async function run() {
  const count = Number(process.env.SOAK_SLOW_DELTAS ?? 1_500_000);
  const pauseMs = Number(process.env.SOAK_SLOW_PAUSE_MS ?? 500);
  const model = await startFaultModelServer();
  const target = oursTarget();
  const session = startRpcSession(target, { configToml: fakeProviderToml(model.url), env: FAKE_PROVIDER_ENV, timeoutMs: 60 * 60_000 });
  try {
    await session.initialize();
    const pid = session.child.pid;
    const { conversationId } = expectResult(await session.request("newConversation", { cwd: process.cwd() }), "newConversation");
    expectResult(await session.request("addConversationListener", { conversationId }), "addConversationListener");
    const idle = memory(pid);
    let deltas = 0;
    session.on("codex/event/agent_message_delta", () => deltas++);
    const done = session.waitFor("codex/event/task_complete", (p) => p.conversationId === conversationId);
    let finished = false;
    void done.then(() => (finished = true));
    model.enqueue({ kind: "deltas", count, delta: DELTA });
    const started = Date.now();
    expectResult(await session.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "flood" } }] }), "sendUserMessage");
    let pauses = 0;
    let lastReport = started;
    while (!finished) {
      session.child.stdout.pause();
      pauses++;
      await delay(pauseMs);
      session.child.stdout.resume();
      await Promise.race([delay(pauseMs), done]);
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        console.error(`  … ${deltas.toLocaleString("en-US")} deltas, RSS ${mib(memory(pid).rss)}`);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const end = memory(pid);
    console.log(`${count.toLocaleString("en-US")} deltas × ${DELTA.length} chars (${((count * DELTA.length) / 1e6).toFixed(0)} MB of text) in ${seconds.toFixed(1)} s, ${pauses} reading pauses of ${pauseMs} ms`);
    console.log(`server RSS idle ${mib(idle.rss)}, peak (VmHWM) ${mib(end.hwm)}, at the end ${mib(end.rss)}; ${Math.round(deltas / seconds).toLocaleString("en-US")} deltas/s`);
    if (deltas !== count) throw new Error(`the client got ${deltas} deltas, not ${count}`);
    if (end.hwm > idle.rss + GROWTH_LIMIT_MIB) throw new Error(`peak RSS ${mib(end.hwm)} is more than ${GROWTH_LIMIT_MIB} MiB above idle ${mib(idle.rss)}`);
  } finally {
    await closeCleanly(target, session);
    await model.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
