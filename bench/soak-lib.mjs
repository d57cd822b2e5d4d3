// Helpers shared by the soak scenarios: process figures from /proc and a v1 conversation driver.
import { readdirSync, readFileSync } from "node:fs";
import { expectResult } from "./lib.mjs";

/** VmRSS and VmHWM (peak) of a process, in MiB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kib("VmRSS") / 1024, hwm: kib("VmHWM") / 1024 };
}

export function openFds(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Opens a v1 conversation in `session` and returns a turn runner: turn(text) → { error, lastAgentMessage }. */
export async function v1Conversation(session) {
  const { conversationId } = expectResult(await session.request("newConversation", { cwd: process.cwd() }), "newConversation");
  expectResult(await session.request("addConversationListener", { conversationId }), "addConversationListener");
  const errors = new Map(); // turn id → error message
  session.on("codex/event/error", (p) => {
    if (p.conversationId === conversationId) errors.set(p.id, p.msg.message);
  });
  return {
    conversationId,
    async turn(text) {
      let ended;
      const done = new Promise((resolve) => (ended = resolve));
      const off = session.on("codex/event/task_complete", (p) => {
        if (p.conversationId === conversationId) ended(p);
      });
      expectResult(await session.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text } }] }), "sendUserMessage");
      const p = await done;
      off();
      return { error: errors.get(p.id) ?? null, lastAgentMessage: p.msg.last_agent_message };
    },
  };
}

export const mib = (v) => `${v.toFixed(1)} MiB`;
