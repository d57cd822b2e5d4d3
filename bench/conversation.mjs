// Conversation bench: what an IDE feels once the server is up — newConversation latency, one long
// streamed turn (10,000 and 50,000 text deltas), and 20 conversations driven at once — against a
// plain-JS fake Responses API on 127.0.0.1 (bench/lib.mjs). The client reads and JSON-parses every
// stdout line, as an IDE does. The drivers and the report are shared with bench/v2.mjs
// (bench/drivers.mjs); this file is the v1 face.
//   BENCH_RUNS=N                       runs per figure (default 5 here; slow figures capped, see CAPS)
//   BENCH_REFERENCE_CONVERSATIONS=1    also run the reference for figure 1 and the 10k turn (minutes)
//   BENCH_CPU_PROF=DIR                 run our server under node --cpu-prof, profiles written to DIR
import { CONCURRENT, DELTA, ms0, runBench } from "./drivers.mjs";
import { expectResult, REPO_ROOT, summarize } from "./lib.mjs";

export const name = "conversation";

// Printed beside the figures; a miss is reported, never fatal.
const TARGETS = {
  newConversationMs: 20,
  turn10kMs: 500,
  turn50kMs: 2000,
  // "linear growth": the cost per 1,000 deltas at 50k may not exceed the cost at 10k by more than this.
  linearSlack: 1.25,
  concurrentMs: 1000,
  concurrentMiB: 90,
};

// From the issue (codex-cli 0.90.0), printed as context; not measured here unless asked.
const ISSUE_REFERENCE = {
  newConversation: "~3 s",
  turn10k: "15 s",
  turn50k: "107 s",
  concurrent: "64 s",
  concurrentMiB: "57 MiB",
};

const userMessage = (conversationId, text) => ({ conversationId, items: [{ type: "text", data: { text } }] });

/** The v1 face: newConversation, addConversationListener, sendUserMessage, codex/event/*. */
const V1 = {
  name,
  title: "conversations",
  key: "newConversation",
  createMethod: "newConversation",
  idLabel: "conversation",
  turnLabel: "sendUserMessage → task_complete",
  concurrentLabel: "conversations at once, create + one turn",
  endLabel: "task_complete",
  issueNote: "figures",
  async create(s) {
    const res = await s.request("newConversation", { cwd: REPO_ROOT });
    return { id: expectResult(res, "newConversation").conversationId, ms: res.ms };
  },
  async listen(s, ids) {
    for (const r of await Promise.all(ids.map((conversationId) => s.request("addConversationListener", { conversationId })))) {
      expectResult(r, "addConversationListener");
    }
  },
  async startTurn(s, id, text) {
    const res = await s.request("sendUserMessage", userMessage(id, text));
    expectResult(res, "sendUserMessage");
    return { ms: res.ms };
  },
  stream: {
    delta: ["codex/event/agent_message_delta", (p) => ({ id: p.conversationId, text: p.msg.delta })],
    end: ["codex/event/task_complete", (p) => ({ id: p.conversationId, status: "completed" })],
  },
  checkAll: false,
  failureMessage: (f) => `a turn delivered the wrong deltas (${f.deltas} agent_message_delta, ${f.chars} chars; expected ${f.expected})`,
  notes: (o, t10, t50) => {
    const checked = [...t10, ...t50];
    return [
      `deltas checked: ${checked.filter((s) => s.deltas === s.expected && s.chars === s.expected * DELTA.length).length} of ${checked.length} turns ` +
        `delivered exactly N agent_message_delta notifications with all the text` +
        ` (stdout lines per 10k turn: ${summarize(t10.map((s) => s.lines)).median})`,
      `${CONCURRENT} at once: all ${CONCURRENT} newConversation replies after ${ms0(summarize(o.concurrent.map((s) => s.createMs)).median)} ms (median)`,
    ];
  },
  growthInJson: false,
};

export function run(ctx) {
  return runBench(ctx, V1, { targets: TARGETS, issue: ISSUE_REFERENCE });
}
