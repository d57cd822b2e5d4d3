// The v2 face over the real bin: threads, turns and items on the same engine as v1.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  completed,
  created,
  functionCallTurn,
  httpError,
  messageEvents,
  reasoningTurn,
  slow,
  startFakeModelServer,
  textTurn,
  type FakeModelServer,
} from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const V2 = /^(thread|turn|item|error)/;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function v2Methods(s: ServerProcess): string[] {
  return s.messages.filter((m) => typeof m.method === "string" && !("id" in m) && V2.test(m.method)).map((m) => m.method as string);
}

function v2(s: ServerProcess, method: string): JsonObject[] {
  return s.notifications(method).map((m) => m.params as JsonObject);
}

async function startThread(s: ServerProcess, params: JsonObject = {}): Promise<JsonObject> {
  const res = await s.request("thread/start", { cwd: process.cwd(), ...params });
  expect(res.error).toBeUndefined();
  return (res.result as { thread: JsonObject }).thread;
}

async function turnCompleted(s: ServerProcess, count = 1): Promise<JsonObject[]> {
  await s.waitFor(() => (v2(s, "turn/completed").length >= count ? true : undefined), 15_000, `${count} turn/completed`);
  return v2(s, "turn/completed").map((p) => p.turn as JsonObject);
}

/** The id turn/start answered with: a UUIDv7, as 0.169's. */
function turnIdOf(res: { result?: unknown }): string {
  const id = (res.result as { turn: { id: string } }).turn.id;
  expect(id).toMatch(UUID_V7);
  return id;
}

function text(t: string) {
  return [{ type: "text", text: t }];
}

describe("v2 threads and turns", () => {
  it("streams a reasoning + text turn as turn and item notifications in order", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(reasoningTurn({ summary: ["thinking"], text: "Hello v2", messageId: "msg_9" }));
    const thread = await startThread(s);
    expect(thread).toMatchObject({ preview: "", modelProvider: "fake", turns: [], source: "vscode", path: expect.stringContaining("rollout-") });
    expect(v2(s, "thread/started")[0]).toEqual({ thread });
    const res = await s.request("turn/start", { threadId: thread.id, input: text("hi") });
    const turnId = turnIdOf(res);
    // Not started when the reply goes out; its items stream as item/* and are not repeated in turn/*.
    const notStarted = { startedAt: null, completedAt: null, durationMs: null };
    expect(res.result).toEqual({ turn: { id: turnId, rootTurnId: turnId, items: [], itemsView: "notLoaded", status: "inProgress", error: null, ...notStarted } });
    const [turn] = await turnCompleted(s);
    expect(turn).toMatchObject({ id: turnId, items: [], itemsView: "notLoaded", status: "completed", error: null });
    const started = v2(s, "turn/started")[0]!.turn as { startedAt: number };
    expect(turn!.startedAt).toBe(started.startedAt);
    expect(turn!.completedAt).toBeGreaterThanOrEqual(started.startedAt);
    expect(turn!.durationMs).toBeGreaterThanOrEqual(0);
    expect(v2Methods(s)).toEqual([
      "thread/started",
      "thread/status/changed",
      "turn/started",
      "item/started",
      "item/completed",
      "item/started",
      "item/reasoning/summaryPartAdded",
      "item/reasoning/summaryTextDelta",
      "item/completed",
      "item/started",
      "item/agentMessage/delta",
      "item/completed",
      "thread/tokenUsage/updated",
      "thread/status/changed",
      "turn/completed",
    ]);
    const items = v2(s, "item/completed").map((p) => p.item as JsonObject);
    expect(items[0]).toMatchObject({ type: "userMessage", content: [{ type: "text", text: "hi" }] });
    expect(items[1]).toMatchObject({ type: "reasoning", id: "rs_1", summary: ["thinking"] });
    expect(items[2]).toMatchObject({ type: "agentMessage", id: "msg_9", text: "Hello v2", phase: null });
    // Each item's times: started when item/started said so, completed at item/completed.
    const agentStarted = v2(s, "item/started").find((p) => (p.item as JsonObject).id === "msg_9")!;
    const agentCompleted = v2(s, "item/completed").find((p) => (p.item as JsonObject).id === "msg_9")!;
    expect(items[2]!.startedAtMs).toBe(agentStarted.startedAtMs);
    expect(items[2]!.completedAtMs).toBe(agentCompleted.completedAtMs);
    expect(agentCompleted.completedAtMs as number).toBeGreaterThanOrEqual(agentStarted.startedAtMs as number);
    expect(items[0]!.content).toEqual([{ type: "text", text: "hi", text_elements: [] }]);
    expect(v2(s, "item/agentMessage/delta")[0]).toEqual({ threadId: thread.id, turnId, itemId: "msg_9", delta: "Hello v2" });
    for (const p of v2(s, "item/started")) expect(p).toMatchObject({ threadId: thread.id, turnId });
    // A v2 thread sends no v1 events without a listener.
    expect(s.messages.some((m) => String(m.method).startsWith("codex/event/"))).toBe(false);
  });

  it("asks item/commandExecution/requestApproval; accept runs, decline does not and the model is told", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const call = (id: string, script: string) => functionCallTurn({ callId: id, name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", script] }) });
    model.enqueue(call("call_ok", "echo run > /dev/null; echo accepted"), call("call_no", "echo x > /dev/null"), textTurn("done"));
    const thread = await startThread(s, { cwd: s.codexHome });
    const turnId = turnIdOf(await s.request("turn/start", { threadId: thread.id, input: text("two commands") }));
    const asks = () => s.messages.filter((m) => m.method === "item/commandExecution/requestApproval" && "id" in m);
    const first = await s.waitFor(() => asks()[0], 15_000, "first approval");
    expect(first.params).toMatchObject({ threadId: thread.id, turnId, itemId: "call_ok", command: "bash -c 'echo run > /dev/null; echo accepted'", cwd: s.codexHome });
    s.send({ id: first.id as number, result: { decision: "accept" } });
    const second = await s.waitFor(() => asks()[1], 15_000, "second approval");
    s.send({ id: second.id as number, result: { decision: "decline" } });
    await turnCompleted(s);
    // Each answered question is announced as resolved, right after the answer and before its item goes on.
    expect(v2(s, "serverRequest/resolved")).toEqual([
      { threadId: thread.id, requestId: first.id },
      { threadId: thread.id, requestId: second.id },
    ]);
    const at = (pred: (m: JsonObject) => boolean) => s.messages.findIndex(pred);
    const resolvedFirst = at((m) => m.method === "serverRequest/resolved" && (m.params as JsonObject).requestId === first.id);
    const okCompleted = at((m) => m.method === "item/completed" && ((m.params as JsonObject).item as JsonObject).id === "call_ok");
    expect(resolvedFirst).toBeGreaterThan(s.messages.indexOf(first));
    expect(resolvedFirst).toBeLessThan(okCompleted);
    const commands = v2(s, "item/completed").map((p) => p.item as JsonObject).filter((i) => i.type === "commandExecution");
    expect(commands[0]).toMatchObject({ id: "call_ok", status: "completed", exitCode: 0, aggregatedOutput: "accepted\n", durationMs: expect.any(Number) });
    expect(commands[1]).toMatchObject({ id: "call_no", status: "declined", exitCode: -1 });
    expect(v2(s, "item/commandExecution/outputDelta").map((p) => p.delta).join("")).toBe("accepted\n");
    const outputs = (model.requests[2]!.body.input as JsonObject[]).filter((i) => i.type === "function_call_output");
    expect(outputs.at(-1)!.output).toBe("exec command rejected by user");
  });

  it("cancel interrupts the turn", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(functionCallTurn({ callId: "c", name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo x > /dev/null"] }) }));
    const thread = await startThread(s);
    await s.request("turn/start", { threadId: thread.id, input: text("x") });
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m), 15_000, "approval");
    s.send({ id: ask.id as number, result: { decision: "cancel" } });
    const [turn] = await turnCompleted(s);
    expect(turn!.status).toBe("interrupted");
    expect(model.requests).toHaveLength(1);
  });

  it("turn/interrupt stops a slow stream; the thread stays usable", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const deltas = Array.from({ length: 20 }, (_, i) => `p${i} `);
    model.enqueue(slow([created("r"), ...messageEvents(deltas.join(""), { id: "m", deltas }), completed({}, "r")], 300), textTurn("next"));
    const thread = await startThread(s);
    const first = turnIdOf(await s.request("turn/start", { threadId: thread.id, input: text("slow") }));
    await s.waitFor(() => v2(s, "item/agentMessage/delta")[0], 10_000, "a delta");
    expect((await s.request("turn/interrupt", { threadId: thread.id, turnId: first })).result).toEqual({});
    const [turn] = await turnCompleted(s);
    expect(turn!.status).toBe("interrupted");
    const second = turnIdOf(await s.request("turn/start", { threadId: thread.id, input: text("again") }));
    expect(second).not.toBe(first);
    const turns = await turnCompleted(s, 2);
    expect(turns[1]).toMatchObject({ id: second, status: "completed" });
  });

  it("a failed turn completes with status failed and the error", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(httpError(400, "bad request body"));
    const thread = await startThread(s);
    const turnId = turnIdOf(await s.request("turn/start", { threadId: thread.id, input: text("x") }));
    const [turn] = await turnCompleted(s);
    const error = { message: "unexpected status 400 Bad Request: bad request body", codexErrorInfo: "badRequest", additionalDetails: null, misalignment: null };
    expect(turn).toMatchObject({ id: turnId, items: [], status: "failed", error });
    expect(v2(s, "error")).toEqual([{ threadId: thread.id, turnId, error, willRetry: false }]);
  });

  it("lists, reads with turns, resumes in a new process with history, and archives", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("first answer"));
    const thread = await startThread(s);
    await s.request("turn/start", { threadId: thread.id, input: text("first question") });
    await turnCompleted(s);
    expect((await s.request("thread/loaded/list", {})).result).toEqual({ data: [thread.id], nextCursor: null });
    const list = (await s.request("thread/list", {})).result as { data: JsonObject[]; nextCursor: string | null };
    expect(list.data.map((t) => [t.id, t.preview])).toEqual([[thread.id, "first question"]]);
    const read = (await s.request("thread/read", { threadId: thread.id, includeTurns: true })).result as { thread: { turns: JsonObject[] } };
    expect(read.thread.turns).toHaveLength(1);
    expect(read.thread.turns[0]!.items).toEqual([
      expect.objectContaining({ type: "userMessage" }),
      expect.objectContaining({ type: "agentMessage", text: "first answer" }),
    ]);
    await s.closeStdin();

    const again = await startInitialized(start, fakeProviderToml(model), { codexHome: s.codexHome });
    model.enqueue(textTurn("second answer"));
    const resumed = (await again.request("thread/resume", { threadId: thread.id })).result as { thread: JsonObject };
    expect(resumed.thread).toMatchObject({ id: thread.id, preview: "first question" });
    expect((resumed.thread.turns as JsonObject[])).toHaveLength(1);
    await again.request("turn/start", { threadId: thread.id, input: text("second question") });
    await turnCompleted(again);
    const input = JSON.stringify(model.requests.at(-1)!.body.input);
    expect(input).toContain("first question");
    expect(input).toContain("first answer");
    expect(input.indexOf("first answer")).toBeLessThan(input.indexOf("second question"));

    expect((await again.request("thread/archive", { threadId: thread.id })).result).toEqual({});
    expect(existsSync(String(thread.path))).toBe(false);
    expect(((await again.request("thread/list", {})).result as { data: unknown[] }).data).toEqual([]);
    const archived = (await again.request("thread/list", { archived: true })).result as { data: JsonObject[] };
    expect(archived.data.map((t) => t.id)).toEqual([thread.id]);
  });

  it("refuses to archive a thread whose rollout lies outside sessions/, touching nothing", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("answer"));
    const thread = await startThread(s);
    await s.request("turn/start", { threadId: thread.id, input: text("question") });
    await turnCompleted(s);
    await s.closeStdin();
    const outside = `${s.codexHome}/elsewhere/${String(thread.path).split("/").pop()}`;
    mkdirSync(`${s.codexHome}/elsewhere`);
    copyFileSync(String(thread.path), outside);

    const again = await startInitialized(start, fakeProviderToml(model), { codexHome: s.codexHome });
    const resumed = await again.request("thread/resume", { path: outside });
    expect(resumed.error).toBeUndefined();
    const refused = await again.request("thread/archive", { threadId: thread.id });
    expect(refused.error?.code).toBe(-32600);
    expect(refused.error?.message).toContain("must be in sessions directory");
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(String(thread.path))).toBe(true);
    expect(existsSync(`${s.codexHome}/archived_sessions`)).toBe(false);
  });

  it("forks a thread into a new one with the history", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("original answer"), textTurn("fork answer"));
    const thread = await startThread(s);
    await s.request("turn/start", { threadId: thread.id, input: text("original") });
    await turnCompleted(s);
    const fork = (await s.request("thread/fork", { threadId: thread.id })).result as { thread: JsonObject };
    expect(fork.thread.id).not.toBe(thread.id);
    expect(fork.thread.turns as JsonObject[]).toHaveLength(1);
    await s.request("turn/start", { threadId: fork.thread.id, input: text("on the fork") });
    await turnCompleted(s, 2);
    expect(JSON.stringify(model.requests[1]!.body.input)).toContain("original answer");
  });

  it("serves v1 and v2 on one connection: a v2 thread is listed by listConversations and a v1 conversation by thread/list", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("v2 answer"), textTurn("v1 answer"));
    const thread = await startThread(s);
    await s.request("turn/start", { threadId: thread.id, input: text("from v2") });
    await turnCompleted(s);
    const conv = (await s.request("newConversation", {})).result as { conversationId: string };
    await s.request("addConversationListener", { conversationId: conv.conversationId });
    await s.request("sendUserMessage", { conversationId: conv.conversationId, items: [{ type: "text", data: { text: "from v1" } }] });
    await s.waitFor(() => s.notifications("codex/event/task_complete")[0], 15_000, "v1 turn");
    const v1list = (await s.request("listConversations", {})).result as { items: JsonObject[] };
    expect(v1list.items.map((i) => i.preview).sort()).toEqual(["from v1", "from v2"]);
    const v2list = (await s.request("thread/list", {})).result as { data: JsonObject[] };
    expect(v2list.data.map((t) => t.preview).sort()).toEqual(["from v1", "from v2"]);
  });

  it("acceptForSession runs the same command again without asking; plans and retries are notified", async () => {
    const toml = fakeProviderToml(model).replace("stream_max_retries = 0", "stream_max_retries = 1");
    const s = await startInitialized(start, toml);
    const call = (id: string) => functionCallTurn({ callId: id, name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo same > /dev/null"] }) });
    const plan = functionCallTurn({
      callId: "plan_1",
      name: "update_plan",
      arguments: JSON.stringify({ explanation: "why", plan: [{ step: "a", status: "in_progress" }] }),
    });
    model.enqueue(call("c1"), textTurn("one"), httpError(500, "flaky"), plan, call("c2"), textTurn("two"));
    const thread = await startThread(s, { cwd: s.codexHome });
    await s.request("turn/start", { threadId: thread.id, input: text("first") });
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m), 15_000, "approval");
    s.send({ id: ask.id as number, result: { decision: "acceptForSession" } });
    await turnCompleted(s);
    const secondTurn = turnIdOf(await s.request("turn/start", { threadId: thread.id, input: text("second") }));
    await turnCompleted(s, 2);
    expect(s.messages.filter((m) => m.method === "item/commandExecution/requestApproval")).toHaveLength(1);
    expect(v2(s, "turn/plan/updated")).toEqual([
      { threadId: thread.id, turnId: secondTurn, explanation: "why", plan: [{ step: "a", status: "inProgress" }] },
    ]);
    expect(v2(s, "error")).toEqual([
      expect.objectContaining({ turnId: secondTurn, willRetry: true, error: expect.objectContaining({ message: "Reconnecting... 1/1" }) }),
    ]);
  });

  it("a v2 thread resumes through v1 resumeConversation, and a v1 conversation through thread/resume", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("v2 said"), textTurn("v1 said"));
    const thread = await startThread(s);
    await s.request("turn/start", { threadId: thread.id, input: text("asked v2") });
    await turnCompleted(s);
    const conv = (await s.request("newConversation", {})).result as { conversationId: string };
    await s.request("addConversationListener", { conversationId: conv.conversationId });
    await s.request("sendUserMessage", { conversationId: conv.conversationId, items: [{ type: "text", data: { text: "asked v1" } }] });
    await s.waitFor(() => s.notifications("codex/event/task_complete")[0], 15_000, "v1 turn");
    await s.closeStdin();

    const again = await startInitialized(start, fakeProviderToml(model), { codexHome: s.codexHome });
    const v1resume = (await again.request("resumeConversation", { conversationId: thread.id })).result as { initialMessages: unknown[] };
    expect(JSON.stringify(v1resume.initialMessages)).toContain("asked v2");
    const v2resume = (await again.request("thread/resume", { threadId: conv.conversationId })).result as { thread: { turns: JsonObject[] } };
    expect(JSON.stringify(v2resume.thread.turns)).toContain("v1 said");
  });

  it("pages thread/list and filters archived threads", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const ids: string[] = [];
    for (const q of ["q1", "q2", "q3"]) {
      model.enqueue(textTurn(`a-${q}`));
      const thread = await startThread(s);
      ids.push(String(thread.id));
      await s.request("turn/start", { threadId: thread.id, input: text(q) });
      await turnCompleted(s, ids.length);
    }
    const page1 = (await s.request("thread/list", { limit: 2 })).result as { data: JsonObject[]; nextCursor: string };
    expect(page1.data.map((t) => t.preview)).toEqual(["q3", "q2"]);
    const page2 = (await s.request("thread/list", { limit: 2, cursor: page1.nextCursor })).result as { data: JsonObject[] };
    expect(page2.data.map((t) => t.preview)).toEqual(["q1"]);
    await s.request("thread/archive", { threadId: ids[1] });
    const live = (await s.request("thread/list", {})).result as { data: JsonObject[] };
    expect(live.data.map((t) => t.preview)).toEqual(["q3", "q1"]);
    const archived = (await s.request("thread/list", { archived: true })).result as { data: JsonObject[] };
    expect(archived.data.map((t) => t.preview)).toEqual(["q2"]);
  });

  it("sends a turn's outputSchema to the model for that turn only", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn('{"ok":true}'), textTurn("free text"));
    const thread = await startThread(s);
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false };
    await s.request("turn/start", { threadId: thread.id, input: text("json please"), outputSchema: schema });
    await turnCompleted(s);
    await s.request("turn/start", { threadId: thread.id, input: text("anything") });
    await turnCompleted(s, 2);
    expect(model.requests[0]!.body.text).toEqual({ format: { type: "json_schema", name: "codex_output_schema", strict: true, schema } });
    expect(model.requests[1]!.body.text).toBeUndefined();
  });

  it("an ephemeral thread writes no rollout and is not listed", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("kept in memory"), textTurn("still here"));
    const thread = await startThread(s, { ephemeral: true });
    expect(thread).toMatchObject({ path: null, ephemeral: true });
    await s.request("turn/start", { threadId: thread.id, input: text("one") });
    await turnCompleted(s);
    await s.request("turn/start", { threadId: thread.id, input: text("two") });
    await turnCompleted(s, 2);
    expect(JSON.stringify(model.requests[1]!.body.input)).toContain("kept in memory");
    expect(((await s.request("thread/list", {})).result as { data: unknown[] }).data).toEqual([]);
    expect(existsSync(`${s.codexHome}/sessions`)).toBe(false);
    expect(((await s.request("thread/read", { threadId: thread.id })).result as { thread: JsonObject }).thread.id).toBe(thread.id);
  });

  it("sorts thread/list by updated_at and pages with its own cursor", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const ids: string[] = [];
    for (const q of ["older", "newer"]) {
      model.enqueue(textTurn(`a-${q}`));
      const thread = await startThread(s);
      ids.push(String(thread.id));
      await s.request("turn/start", { threadId: thread.id, input: text(q) });
      await turnCompleted(s, ids.length);
    }
    // Touch the older thread a second later: it becomes the most recently updated.
    await new Promise((r) => setTimeout(r, 1100));
    model.enqueue(textTurn("again"));
    await s.request("turn/start", { threadId: ids[0], input: text("more") });
    await turnCompleted(s, 3);
    const byCreation = (await s.request("thread/list", {})).result as { data: JsonObject[] };
    expect(byCreation.data.map((t) => t.id)).toEqual([ids[1], ids[0]]);
    const first = (await s.request("thread/list", { sortKey: "updated_at", limit: 1 })).result as { data: JsonObject[]; nextCursor: string };
    expect(first.data.map((t) => t.id)).toEqual([ids[0]]);
    const second = (await s.request("thread/list", { sortKey: "updated_at", limit: 1, cursor: first.nextCursor })).result as {
      data: JsonObject[];
      nextCursor: string | null;
    };
    expect(second.data.map((t) => t.id)).toEqual([ids[1]]);
    expect(second.nextCursor).toBeNull();
  });

  it("does not let a slow request block getUserAgent", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const deltas = Array.from({ length: 10 }, () => "x");
    model.enqueue(slow([created("r"), ...messageEvents("xxxxxxxxxx", { id: "m", deltas }), completed({}, "r")], 200));
    const thread = await startThread(s);
    const turnId = turnIdOf(await s.request("turn/start", { threadId: thread.id, input: text("stream slowly") }));
    await s.waitFor(() => v2(s, "item/agentMessage/delta")[0], 10_000, "streaming");
    // A slow interrupt (it waits for the turn to stop) and getUserAgent sent together.
    s.send({ id: "slow", method: "turn/interrupt", params: { threadId: thread.id, turnId } });
    const ua = await s.request("getUserAgent");
    expect(ua.result).toBeDefined();
    await s.response("slow");
  });
});
