// One conversation driven through either protocol face (v1 conversations or v2 threads), so a
// behaviour can be checked on both with the same test: open or resume, start a turn, read how the
// nth turn of that conversation ended.
import { expect } from "vitest";
import type { JsonObject, ServerProcess } from "./server-process.js";

export interface TurnOutcome {
  status: "completed" | "failed" | "interrupted";
  /** v1: task_complete's last_agent_message; v2: the text of the turn's last agentMessage item. */
  lastAgentMessage: string | null;
  error: string | null;
  /** Messages of the visible stream retries ("Reconnecting... n/N"). */
  retries: string[];
}

export interface Face {
  readonly name: "v1" | "v2";
  open(s: ServerProcess): Promise<{ id: string; rolloutPath: string }>;
  /** Resumes a rollout file in `s` and makes its events flow to this client. */
  resume(s: ServerProcess, rolloutPath: string): Promise<{ id: string }>;
  say(s: ServerProcess, id: string, text: string): Promise<void>;
  /** Waits until conversation `id` has streamed a text delta, or begun a command. */
  seen(s: ServerProcess, id: string, what: "delta" | "command", timeoutMs?: number): Promise<void>;
  /** Waits for the `nth` (1-based) turn of conversation `id` to end in `s`. */
  turnEnded(s: ServerProcess, id: string, nth: number, timeoutMs?: number): Promise<TurnOutcome>;
}

const params = (m: JsonObject) => (m.params ?? {}) as JsonObject;

export const v1Face: Face = {
  name: "v1",
  async open(s) {
    const res = await s.request("newConversation", { cwd: process.cwd() });
    expect(res.error).toBeUndefined();
    const { conversationId, rolloutPath } = res.result as { conversationId: string; rolloutPath: string };
    await listen(s, conversationId);
    return { id: conversationId, rolloutPath };
  },
  async resume(s, rolloutPath) {
    const res = await s.request("resumeConversation", { path: rolloutPath });
    expect(res.error).toBeUndefined();
    const { conversationId } = res.result as { conversationId: string };
    await listen(s, conversationId);
    return { id: conversationId };
  },
  async say(s, id, text) {
    const res = await s.request("sendUserMessage", { conversationId: id, items: [{ type: "text", data: { text } }] });
    expect(res.error).toBeUndefined();
  },
  async seen(s, id, what, timeoutMs = 10_000) {
    const method = what === "delta" ? "codex/event/agent_message_delta" : "codex/event/exec_command_begin";
    await s.waitFor(() => s.notifications(method).find((m) => params(m).conversationId === id), timeoutMs, `${method} of ${id}`);
  },
  async turnEnded(s, id, nth, timeoutMs = 15_000) {
    const ends = () =>
      [...s.notifications("codex/event/task_complete"), ...s.notifications("codex/event/turn_aborted")]
        .filter((m) => params(m).conversationId === id)
        .sort((a, b) => s.messages.indexOf(a) - s.messages.indexOf(b));
    const end = await s.waitFor(() => ends()[nth - 1], timeoutMs, `turn ${nth} of ${id} to end`);
    const turnId = params(end).id;
    const ofTurn = s.messages.filter((m) => typeof m.method === "string" && params(m).conversationId === id && params(m).id === turnId);
    const msgOf = (type: string) => ofTurn.filter((m) => m.method === `codex/event/${type}`).map((m) => params(m).msg as JsonObject);
    const error = msgOf("error")[0];
    const status = end.method === "codex/event/turn_aborted" ? "interrupted" : error ? "failed" : "completed";
    const last = (params(end).msg as JsonObject).last_agent_message;
    return {
      status,
      lastAgentMessage: typeof last === "string" ? last : null,
      error: error ? String(error.message) : null,
      retries: msgOf("stream_error").map((e) => String(e.message)),
    };
  },
};

async function listen(s: ServerProcess, conversationId: string): Promise<void> {
  const sub = await s.request("addConversationListener", { conversationId });
  expect(sub.error).toBeUndefined();
}

export const v2Face: Face = {
  name: "v2",
  async open(s) {
    const res = await s.request("thread/start", { cwd: process.cwd() });
    expect(res.error).toBeUndefined();
    const { thread } = res.result as { thread: { id: string; path: string } };
    return { id: thread.id, rolloutPath: thread.path };
  },
  async resume(s, rolloutPath) {
    const res = await s.request("thread/resume", { path: rolloutPath });
    expect(res.error).toBeUndefined();
    return { id: (res.result as { thread: { id: string } }).thread.id };
  },
  async say(s, id, text) {
    const res = await s.request("turn/start", { threadId: id, input: [{ type: "text", text }] });
    expect(res.error).toBeUndefined();
  },
  async seen(s, id, what, timeoutMs = 10_000) {
    const found = () =>
      what === "delta"
        ? s.notifications("item/agentMessage/delta").find((m) => params(m).threadId === id)
        : s.notifications("item/started").find((m) => params(m).threadId === id && (params(m).item as JsonObject).type === "commandExecution");
    await s.waitFor(found, timeoutMs, `${what} of thread ${id}`);
  },
  async turnEnded(s, id, nth, timeoutMs = 15_000) {
    const ofThread = (method: string) => s.notifications(method).map(params).filter((p) => p.threadId === id);
    const done = await s.waitFor(() => ofThread("turn/completed")[nth - 1], timeoutMs, `turn ${nth} of ${id} to complete`);
    const turn = done.turn as { id: string; status: TurnOutcome["status"]; error: { message: string } | null };
    const errors = ofThread("error").filter((p) => p.turnId === turn.id);
    const messages = ofThread("item/completed")
      .filter((p) => p.turnId === turn.id)
      .map((p) => p.item as { type: string; text?: string })
      .filter((item) => item.type === "agentMessage");
    return {
      status: turn.status,
      lastAgentMessage: messages.at(-1)?.text ?? null,
      error: turn.error?.message ?? null,
      retries: errors.filter((p) => p.willRetry === true).map((p) => String((p.error as JsonObject).message)),
    };
  },
};

export const FACES: readonly Face[] = [v1Face, v2Face];
