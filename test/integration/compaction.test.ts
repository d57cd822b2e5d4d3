// Compaction through the real bin against the fake Responses and chat servers: what the model is
// sent before and after (the summary, not the history), what a client sees (v1 context_compacted +
// warning, v2 contextCompaction item + thread/compacted), what the rollout keeps for resume, and
// how failures end a turn without losing the conversation.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMPACT_PROMPT, SUMMARY_PREFIX } from "../../src/core/compaction.js";
import { COMPACTION_WARNING } from "../../src/core/compaction-step.js";
import { CONTEXT_WINDOW_MESSAGE } from "../../src/model/failure-report.js";
import { chatTextTurn } from "../support/fake-chat.js";
import { httpError, jsonResponse, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { v2Face } from "../support/turn-faces.js";
import { events, eventTypes, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach);

const LIMIT = 1000;
/** A response this big puts the next turn past the auto-compact limit. */
const BIG = { input_tokens: LIMIT + 500, output_tokens: 10 };
const CONTEXT_TOO_LONG = JSON.stringify({ error: { code: "context_length_exceeded", message: "Your input exceeds the context window of this model." } });

/** Top-level keys first: fakeProviderToml ends inside the provider table. */
function toml(options: { limit?: boolean; chat?: boolean; top?: string } = {}): string {
  const top = [options.limit === false ? "" : `model_auto_compact_token_limit = ${LIMIT}`, options.top ?? ""].join("\n");
  const base = fakeProviderToml(model, "", "never");
  return `${top}\n${options.chat ? base.replace('wire_api = "responses"', 'wire_api = "chat"') : base}`;
}

const params = (m: JsonObject) => (m.params ?? {}) as JsonObject;
const inputText = (n: number) => JSON.stringify((model.requests[n]!.body as { input: unknown }).input);

function rolloutLines(path: string): { type: string; payload: JsonObject }[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; payload: JsonObject });
}

/** The text of the last input item of a Responses request. */
function lastInputText(n: number): string {
  const input = (model.requests[n]!.body as { input: { content?: { text?: string }[] }[] }).input;
  return input.at(-1)?.content?.map((c) => c.text ?? "").join("") ?? "";
}

async function v2Turn(s: ServerProcess, threadId: string, text: string, nth: number) {
  await v2Face.say(s, threadId, text);
  return v2Face.turnEnded(s, threadId, nth);
}

describe("auto compaction", () => {
  it("v1, Responses wire: the next turn first summarises, then sends the summary and the user messages instead of the history", async () => {
    model.enqueue(textTurn("first answer", { usage: BIG }), textTurn("SUMMARY-OF-WORK"), textTurn("second answer"));
    const s = await startInitialized(start, toml());
    const { conversationId, rolloutPath } = await openConversation(s);
    await say(s, conversationId, "first question");
    await turnsEnded(s, 1);
    await say(s, conversationId, "second question");
    await turnsEnded(s, 2);

    expect(model.requests).toHaveLength(3);
    const summarise = model.requests[1]!.body as { tools: unknown[]; input: unknown[] };
    expect(summarise.tools).toEqual([]);
    expect(lastInputText(1)).toBe(COMPACT_PROMPT);
    expect(inputText(1)).toContain("first answer");
    // The new question is not part of what gets summarised.
    expect(inputText(1)).not.toContain("second question");

    const after = inputText(2);
    expect(after).toContain(`${SUMMARY_PREFIX}\\nSUMMARY-OF-WORK`);
    expect(after).toContain("first question");
    expect(after).toContain("<environment_context>");
    expect(after).not.toContain("first answer");
    expect(lastInputText(2)).toBe("second question");

    expect(events(s, "context_compacted")).toHaveLength(1);
    expect(events(s, "warning").map((e) => e.message)).toEqual([COMPACTION_WARNING]);
    expect(events(s, "task_complete").map((e) => e.last_agent_message)).toEqual(["first answer", "second answer"]);

    const compacted = await s.waitFor(() => {
      const lines = rolloutLines(rolloutPath).filter((l) => l.type === "compacted");
      return lines.length > 0 ? lines : undefined;
    }, 5_000, "the compacted rollout line");
    expect(compacted).toHaveLength(1);
    expect(compacted[0]!.payload.message).toBe(`${SUMMARY_PREFIX}\nSUMMARY-OF-WORK`);
    expect(JSON.stringify(compacted[0]!.payload.replacement_history)).not.toContain("first answer");
  });

  it("chat wire: the summarisation offers no tools and asks with config compact_prompt", async () => {
    const usage = { prompt_tokens: LIMIT + 500, completion_tokens: 10 };
    model.enqueue(chatTextTurn(["first answer"], { usage }), chatTextTurn(["CHAT-SUMMARY"]), chatTextTurn(["second answer"]));
    const s = await startInitialized(start, toml({ chat: true, top: 'compact_prompt = "Summarise tersely."' }));
    const { id } = await v2Face.open(s);
    expect((await v2Turn(s, id, "first question", 1)).status).toBe("completed");
    const second = await v2Turn(s, id, "second question", 2);
    expect(second).toMatchObject({ status: "completed", lastAgentMessage: "second answer" });

    expect(model.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"]);
    const summarise = model.requests[1]!.body as { tools?: unknown; messages: JsonObject[] };
    expect(summarise.tools).toBeUndefined();
    expect(summarise.messages.at(-1)).toEqual({ role: "user", content: "Summarise tersely." });
    const after = model.requests[2]!.body as { messages: JsonObject[] };
    const text = JSON.stringify(after.messages);
    expect(text).toContain("CHAT-SUMMARY");
    expect(text).not.toContain("first answer");
    expect(after.messages.at(-1)).toEqual({ role: "user", content: "second question" });
  });

  it("between a tool call and the next request of the same turn", async () => {
    const call = (usage: typeof BIG) => [
      { type: "response.created", response: { id: "r1" } },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "function_call", id: "fc1", call_id: "call-1", name: "update_plan", arguments: JSON.stringify({ plan: [{ step: "a", status: "pending" }] }) },
      },
      { type: "response.completed", response: { id: "r1", usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, total_tokens: usage.input_tokens + usage.output_tokens } } },
    ];
    model.enqueue(call(BIG), textTurn("MID-TURN-SUMMARY"), textTurn("done"));
    const s = await startInitialized(start, toml());
    const { id } = await v2Face.open(s);
    expect(await v2Turn(s, id, "plan it", 1)).toMatchObject({ status: "completed", lastAgentMessage: "done" });
    expect(model.requests).toHaveLength(3);
    expect(lastInputText(1)).toBe(COMPACT_PROMPT);
    expect(inputText(1)).toContain("call-1");
    expect(inputText(2)).toContain("MID-TURN-SUMMARY");
    expect(inputText(2)).not.toContain("call-1");
    expect(inputText(2)).toContain("plan it");
  });
});

describe("remote compaction (the OpenAI provider)", () => {
  it("POSTs the history to /responses/compact and continues from its output", async () => {
    const output = [
      { type: "message", role: "user", content: [{ type: "input_text", text: "first question" }] },
      { type: "compaction", encrypted_content: "ENCRYPTED-SUMMARY" },
    ];
    model.enqueue(textTurn("first answer", { usage: BIG }), jsonResponse({ output }), textTurn("second answer"));
    const config = `model = "test-model"\nmodel_provider = "openai"\napproval_policy = "never"\nmodel_auto_compact_token_limit = ${LIMIT}\n`;
    const s = start({ configToml: config, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-openai-test" } });
    await s.initialize("v2_ide", "1.0");
    const { id } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    expect(await v2Turn(s, id, "second question", 2)).toMatchObject({ status: "completed", lastAgentMessage: "second answer" });

    const compact = model.requests[1]!;
    expect(compact.path).toBe("/v1/responses/compact");
    expect(compact.headers.authorization).toBe("Bearer sk-openai-test");
    expect(compact.headers.originator).toBe("v2_ide");
    const body = compact.body as { model: string; input: unknown[]; instructions: string };
    expect(Object.keys(body).sort()).toEqual(["input", "instructions", "model"]);
    expect(body.model).toBe("test-model");
    expect(JSON.stringify(body.input)).toContain("first answer");
    expect(body.instructions).toBe((model.requests[0]!.body as { instructions: string }).instructions);

    const next = model.requests[2]!;
    expect(next.path).toBe("/v1/responses");
    const input = (next.body as { input: JsonObject[] }).input;
    expect(input.slice(0, 2)).toEqual(output);
    expect(JSON.stringify(input)).not.toContain("first answer");
    expect(lastInputText(2)).toBe("second question");
  });

  it("reports the compaction request as codex.api_request", async () => {
    const receiver = await startOtlpReceiver();
    try {
      model.enqueue(textTurn("first answer", { usage: BIG }), jsonResponse({ output: [] }), textTurn("second answer"));
      const otel = `[otel]\nexporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "json" } }\n`;
      const config = `model = "test-model"\nmodel_provider = "openai"\napproval_policy = "never"\nmodel_auto_compact_token_limit = ${LIMIT}\n${otel}`;
      const s = start({ configToml: config, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-openai-test" } });
      await s.initialize("v2_ide", "1.0");
      const { id } = await v2Face.open(s);
      await v2Turn(s, id, "first question", 1);
      await v2Turn(s, id, "second question", 2);
      expect((await s.closeStdin()).code).toBe(0);
      const requests = receiver.logs.filter((l) => l.attributes["event.name"] === "codex.api_request");
      // Three model requests: the first turn, the compaction, the second turn.
      expect(requests).toHaveLength(3);
      expect(requests.every((r) => r.attributes["http.response.status_code"] === "200")).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it("a failed /responses/compact fails the turn clearly and keeps the history", async () => {
    model.enqueue(textTurn("first answer", { usage: BIG }), httpError(400, JSON.stringify({ error: { message: "compaction refused" } })));
    const config = `model = "test-model"\nmodel_provider = "openai"\napproval_policy = "never"\nmodel_auto_compact_token_limit = ${LIMIT}\n`;
    const s = start({ configToml: config, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-openai-test" } });
    await s.initialize("v2_ide", "1.0");
    const { id } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    const failed = await v2Turn(s, id, "second question", 2);
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("compaction refused");
    expect(failed.error).not.toContain("sk-openai-test");
    expect(model.requests[1]!.path).toBe("/v1/responses/compact");
    expect(s.notifications("thread/compacted")).toHaveLength(0);

    // The next turn compacts the history as it was, first answer included.
    model.enqueue(jsonResponse({ output: [{ type: "compaction", encrypted_content: "E" }] }), textTurn("third answer"));
    expect(await v2Turn(s, id, "third question", 3)).toMatchObject({ status: "completed", lastAgentMessage: "third answer" });
    expect(model.requests[2]!.path).toBe("/v1/responses/compact");
    expect(inputText(2)).toContain("first answer");
  });
});

describe("manual compaction (thread/compact/start) and resume", () => {
  it("compacts as a turn of its own, in 0.169's shapes; a fresh process resumes from the compacted history", async () => {
    model.enqueue(textTurn("first answer"), textTurn("MANUAL-SUMMARY"));
    const s = await startInitialized(start, toml({ limit: false }));
    const { id, rolloutPath } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);

    const res = await s.request("thread/compact/start", { threadId: id });
    expect(res.error).toBeUndefined();
    expect(referenceSchemaProblems(loadReferenceSchema("v2/ThreadCompactStartResponse.json"), res.result)).toEqual([]);
    const ended = await v2Face.turnEnded(s, id, 2);
    expect(ended.status).toBe("completed");
    expect(lastInputText(1)).toBe(COMPACT_PROMPT);

    const compactionItems = (method: string) =>
      s.notifications(method).map(params).filter((p) => (p.item as JsonObject).type === "contextCompaction");
    const [started] = compactionItems("item/started");
    const [completed] = compactionItems("item/completed");
    expect(started).toBeDefined();
    // The same item, completed: started carries no completion time, completed carries one (0.169's item times).
    expect(started!.item).toMatchObject({ startedAtMs: expect.any(Number), completedAtMs: null });
    expect(completed!.item).toEqual({ ...(started!.item as JsonObject), completedAtMs: expect.any(Number) });
    expect((completed!.item as { completedAtMs: number }).completedAtMs).toBeGreaterThanOrEqual((started!.item as { startedAtMs: number }).startedAtMs);
    // The item as 0.169 spells it (the notification envelope is the item/* face's, checked elsewhere).
    const root = loadReferenceSchema("v2/ItemStartedNotification.json") as { definitions: { ThreadItem: { oneOf: JsonObject[] } } };
    const member = root.definitions.ThreadItem.oneOf.find((m) => m.title === "ContextCompactionThreadItem")!;
    expect(referenceSchemaProblems({ ...root, ...member }, started!.item)).toEqual([]);
    expect(started).toMatchObject({ threadId: id, turnId: expect.any(String) });
    const compacted = s.notifications("thread/compacted").map(params);
    expect(compacted).toEqual([{ threadId: id, turnId: started!.turnId }]);
    expect(referenceSchemaProblems(loadReferenceSchema("v2/ContextCompactedNotification.json"), compacted[0])).toEqual([]);
    const turnIds = s.notifications("turn/started").map((m) => (params(m).turn as JsonObject).id);
    expect(turnIds).toContain(started!.turnId);
    // The context meter drops to the compacted history's estimate.
    const usage = s.notifications("thread/tokenUsage/updated").map(params).filter((p) => p.turnId === started!.turnId);
    const last = (usage.at(-1)!.tokenUsage as { last: { totalTokens: number } }).last;
    expect(last.totalTokens).toBeGreaterThan(0);
    expect(last.totalTokens).toBeLessThan(2000);
    await s.closeStdin();

    // A new process: the request after resume carries the summary, not the history it replaced.
    model.enqueue(textTurn("after resume"));
    const fresh = await startInitialized(start, toml({ limit: false }));
    const resumed = await v2Face.resume(fresh, rolloutPath);
    // The past turns show the compaction where it happened.
    const read = await fresh.request("thread/read", { threadId: resumed.id, includeTurns: true });
    const turns = (read.result as { thread: { turns: { items: JsonObject[] }[] } }).thread.turns;
    expect(turns.flatMap((t) => t.items.map((i) => i.type))).toEqual(["userMessage", "agentMessage", "contextCompaction"]);
    expect(await v2Turn(fresh, resumed.id, "third question", 1)).toMatchObject({ status: "completed", lastAgentMessage: "after resume" });
    const after = inputText(2);
    expect(after).toContain("MANUAL-SUMMARY");
    expect(after).toContain("first question");
    expect(after).not.toContain("first answer");
  });

  it("a fork of a compacted thread continues from the compacted history", async () => {
    model.enqueue(textTurn("first answer"), textTurn("FORK-SUMMARY"), textTurn("fork answer"));
    const s = await startInitialized(start, toml({ limit: false }));
    const { id } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    expect((await s.request("thread/compact/start", { threadId: id })).error).toBeUndefined();
    await v2Face.turnEnded(s, id, 2);
    const fork = await s.request("thread/fork", { threadId: id });
    expect(fork.error).toBeUndefined();
    const forkId = (fork.result as { thread: { id: string } }).thread.id;
    expect(await v2Turn(s, forkId, "fork question", 1)).toMatchObject({ status: "completed", lastAgentMessage: "fork answer" });
    expect(inputText(2)).toContain("FORK-SUMMARY");
    expect(inputText(2)).not.toContain("first answer");
  });
});

describe("bad input", () => {
  it("a context-length error compacts and retries the request once", async () => {
    model.enqueue(textTurn("first answer"), httpError(400, CONTEXT_TOO_LONG), textTurn("RETRY-SUMMARY"), textTurn("answer after retry"));
    const s = await startInitialized(start, toml({ limit: false }));
    const { id } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    expect(await v2Turn(s, id, "second question", 2)).toMatchObject({ status: "completed", lastAgentMessage: "answer after retry", error: null });
    expect(model.requests).toHaveLength(4);
    expect(lastInputText(2)).toBe(COMPACT_PROMPT);
    expect(inputText(3)).toContain("RETRY-SUMMARY");
    expect(inputText(3)).not.toContain("first answer");
    // Mid-turn, the question being answered is one of the user messages the summary follows.
    expect(inputText(3).indexOf("second question")).toBeGreaterThan(inputText(3).indexOf("first question"));
    expect(lastInputText(3)).toBe(`${SUMMARY_PREFIX}\nRETRY-SUMMARY`);
  });

  it("a second context-length error fails the turn clearly; the thread takes the next turn", async () => {
    model.enqueue(httpError(400, CONTEXT_TOO_LONG), textTurn("S"), httpError(413, "request too large"), textTurn("later answer"));
    const s = await startInitialized(start, toml({ limit: false }));
    const { id } = await v2Face.open(s);
    const failed = await v2Turn(s, id, "huge question", 1);
    expect(failed).toMatchObject({ status: "failed", error: CONTEXT_WINDOW_MESSAGE });
    const error = s.notifications("error").map(params).find((p) => p.threadId === id)!;
    expect((error.error as JsonObject).codexErrorInfo).toBe("contextWindowExceeded");
    expect(model.requests).toHaveLength(3);
    expect(await v2Turn(s, id, "small question", 2)).toMatchObject({ status: "completed", lastAgentMessage: "later answer" });
  });

  it("a summarisation that fails ends the turn with an error and leaves the history and rollout as they were", async () => {
    model.enqueue(textTurn("first answer", { usage: BIG }), httpError(500, JSON.stringify({ error: { message: "summariser down" } })));
    const s = await startInitialized(start, toml());
    const { id, rolloutPath } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    const before = readFileSync(rolloutPath, "utf8");
    const failed = await v2Turn(s, id, "second question", 2);
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("500");
    expect(s.notifications("thread/compacted")).toHaveLength(0);
    // Nothing already written is lost; no compaction was recorded.
    expect(readFileSync(rolloutPath, "utf8").startsWith(before)).toBe(true);
    expect(rolloutLines(rolloutPath).some((l) => l.type === "compacted")).toBe(false);

    // The thread goes on: the next turn compacts the full history, first answer included.
    model.enqueue(textTurn("LATE-SUMMARY"), textTurn("third answer"));
    expect(await v2Turn(s, id, "third question", 3)).toMatchObject({ status: "completed", lastAgentMessage: "third answer" });
    expect(inputText(2)).toContain("first answer");
    expect(inputText(3)).toContain("LATE-SUMMARY");
  });
});

/** A summarisation response's usage: 1,460 tokens. */
const SUMMARY_USAGE = { input_tokens: 1400, cached_input_tokens: 200, output_tokens: 60, reasoning_output_tokens: 7 };
const usageOf = (u: { input_tokens?: number; cached_input_tokens?: number; output_tokens?: number; reasoning_output_tokens?: number }) => ({
  input_tokens: u.input_tokens ?? 0,
  cached_input_tokens: u.cached_input_tokens ?? 0,
  output_tokens: u.output_tokens ?? 0,
  reasoning_output_tokens: u.reasoning_output_tokens ?? 0,
  total_tokens: (u.input_tokens ?? 0) + (u.output_tokens ?? 0),
});

/**
 * The reference's estimate of a history after a compaction: its instructions and each item at four
 * bytes a token, rounded up; an opaque compaction item at 3/4 of its length less 650 bytes.
 */
function referenceEstimate(instructions: string, items: JsonObject[]): number {
  const tokens = (bytes: number) => Math.ceil(bytes / 4);
  return items.reduce(
    (n, item) =>
      n +
      tokens(item.type === "compaction" ? Math.max(0, Math.floor((String(item.encrypted_content).length * 3) / 4) - 650) : Buffer.byteLength(JSON.stringify(item))),
    tokens(Buffer.byteLength(instructions)),
  );
}

async function compactedLine(rolloutPath: string): Promise<{ replacement_history: JsonObject[] }> {
  for (let i = 0; i < 100; i++) {
    const line = rolloutLines(rolloutPath).find((l) => l.type === "compacted");
    if (line) return line.payload as { replacement_history: JsonObject[] };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no compacted line in the rollout");
}

const instructionsOf = (n: number) => (model.requests[n]!.body as { instructions: string }).instructions;
type V2Usage = { total: { totalTokens: number }; last: Record<string, number> };
const v2Usages = (s: ServerProcess, threadId: string) =>
  s
    .notifications("thread/tokenUsage/updated")
    .map(params)
    .filter((p) => p.threadId === threadId)
    .map((p) => ({ turnId: p.turnId as string, ...(p.tokenUsage as V2Usage) }));
const totals = (usages: V2Usage[]) => usages.map((u) => [u.total.totalTokens, u.last.totalTokens]);

describe("token usage around a compaction", () => {
  it("v1: the summarisation's usage joins the total as the last usage; then the last usage drops to the compacted history's estimate", async () => {
    const answer = { input_tokens: 300, output_tokens: 20 };
    model.enqueue(textTurn("first answer", { usage: BIG }), textTurn("SUMMARY", { usage: SUMMARY_USAGE }), textTurn("second answer", { usage: answer }));
    const s = await startInitialized(start, toml());
    const { conversationId, rolloutPath } = await openConversation(s);
    await say(s, conversationId, "first question");
    await turnsEnded(s, 1);
    await say(s, conversationId, "second question");
    await turnsEnded(s, 2);

    const estimate = referenceEstimate(instructionsOf(1), (await compactedLine(rolloutPath)).replacement_history);
    // Small next to what it replaced: the meter really drops.
    expect(estimate).toBeLessThan(LIMIT);
    type Info = { total_token_usage: JsonObject; last_token_usage: JsonObject };
    const infos = events(s, "token_count")
      .map((e) => e.info as Info | null)
      .filter((i): i is Info => i !== null);
    expect(infos.map((i) => [i.total_token_usage.total_tokens, i.last_token_usage.total_tokens])).toEqual([
      [1510, 1510],
      [2970, 1460],
      [2970, estimate],
      [3290, 320],
    ]);
    expect(infos[1]!.last_token_usage).toEqual({ ...usageOf(SUMMARY_USAGE) });
    expect(infos[1]!.total_token_usage).toEqual({ input_tokens: 2900, cached_input_tokens: 200, output_tokens: 70, reasoning_output_tokens: 7, total_tokens: 2970 });
    expect(infos[2]!.last_token_usage).toEqual({ input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: estimate });
    // Both counts come before context_compacted, as the reference sends them.
    const types = eventTypes(s);
    expect(types.lastIndexOf("token_count", types.indexOf("context_compacted"))).toBeGreaterThan(types.indexOf("task_complete"));

    // The rollout keeps both counts, in the turn that compacted.
    const recorded = () =>
      rolloutLines(rolloutPath)
        .filter((l) => l.type === "event_msg" && ["token_count", "task_started"].includes(String(l.payload.type)))
        .map((l) => (l.payload.type === "task_started" ? "task_started" : (l.payload.info as Info).last_token_usage.total_tokens));
    await s.waitFor(() => (recorded().includes(320) ? true : undefined), 5_000, "the last token_count in the rollout");
    expect(recorded()).toEqual(["task_started", 1510, "task_started", 1460, estimate, 320]);
  });

  it("v2, mid-turn: thread/tokenUsage/updated counts the summarisation in the total, then shows the estimate as last", async () => {
    const call = (usage: typeof BIG) => [
      { type: "response.created", response: { id: "r1" } },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "function_call", id: "fc1", call_id: "call-1", name: "update_plan", arguments: JSON.stringify({ plan: [{ step: "a", status: "pending" }] }) },
      },
      { type: "response.completed", response: { id: "r1", usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, total_tokens: usage.input_tokens + usage.output_tokens } } },
    ];
    model.enqueue(call(BIG), textTurn("MID-SUMMARY", { usage: SUMMARY_USAGE }), textTurn("done"));
    const s = await startInitialized(start, toml());
    const { id, rolloutPath } = await v2Face.open(s);
    expect(await v2Turn(s, id, "plan it", 1)).toMatchObject({ status: "completed", lastAgentMessage: "done" });
    const estimate = referenceEstimate(instructionsOf(1), (await compactedLine(rolloutPath)).replacement_history);
    const usages = v2Usages(s, id);
    expect(totals(usages)).toEqual([
      [1510, 1510],
      [2970, 1460],
      [2970, estimate],
      [2985, 15],
    ]);
    expect(usages[1]!.last).toMatchObject({ inputTokens: 1400, cachedInputTokens: 200, outputTokens: 60, reasoningOutputTokens: 7, totalTokens: 1460 });
    expect(usages[2]!.last).toMatchObject({ inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0, totalTokens: estimate });
    expect(new Set(usages.map((u) => u.turnId)).size).toBe(1);
  });

  it("v2, thread/compact/start: the compaction turn reports the summarisation's usage, then the estimate", async () => {
    model.enqueue(textTurn("first answer"), textTurn("MANUAL-SUMMARY", { usage: SUMMARY_USAGE }));
    const s = await startInitialized(start, toml({ limit: false }));
    const { id, rolloutPath } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    expect((await s.request("thread/compact/start", { threadId: id })).error).toBeUndefined();
    expect((await v2Face.turnEnded(s, id, 2)).status).toBe("completed");
    const estimate = referenceEstimate(instructionsOf(1), (await compactedLine(rolloutPath)).replacement_history);
    const usages = v2Usages(s, id);
    expect(totals(usages)).toEqual([
      [15, 15],
      [1475, 1460],
      [1475, estimate],
    ]);
    const compactionTurn = (s.notifications("turn/started").map(params).at(-1)!.turn as JsonObject).id;
    expect(usages.slice(1).map((u) => u.turnId)).toEqual([compactionTurn, compactionTurn]);
  });

  it("remote: /responses/compact's own usage is not counted (the reference reads only its output); the last usage is the estimate", async () => {
    const output = [
      { type: "message", role: "user", content: [{ type: "input_text", text: "first question" }] },
      { type: "compaction", encrypted_content: "E".repeat(4000) },
    ];
    const ignored = { input_tokens: 9000, output_tokens: 900, total_tokens: 9900 };
    model.enqueue(textTurn("first answer", { usage: BIG }), jsonResponse({ output, usage: ignored }), textTurn("second answer"));
    const config = `model = "test-model"\nmodel_provider = "openai"\napproval_policy = "never"\nmodel_auto_compact_token_limit = ${LIMIT}\n`;
    const s = start({ configToml: config, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-openai-test" } });
    await s.initialize("v2_ide", "1.0");
    const { id } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    expect(await v2Turn(s, id, "second question", 2)).toMatchObject({ status: "completed", lastAgentMessage: "second answer" });
    expect(model.requests[1]!.path).toBe("/v1/responses/compact");
    const estimate = referenceEstimate(instructionsOf(2), output);
    expect(totals(v2Usages(s, id))).toEqual([
      [1510, 1510],
      [1510, estimate],
      [1525, 15],
    ]);
  });
});

describe("a compaction at the start of a turn, rebuilt", () => {
  type Turn = { id: string; items: JsonObject[] };
  const shape = (turns: Turn[]) => turns.map((t) => ({ id: t.id, items: t.items.map((i) => i.type) }));
  const turnsOf = (res: { result?: unknown; error?: unknown }) => {
    expect(res.error).toBeUndefined();
    return (res.result as { thread: { turns: Turn[] } }).thread.turns;
  };

  it("shows in the turn that ran it, live and after a restart (read, resume, turns and items lists, fork); a rollback takes it with its turn", async () => {
    const home = tempDir();
    model.enqueue(textTurn("first answer", { usage: BIG }), textTurn("START-SUMMARY"), textTurn("second answer"));
    const s = await startInitialized(start, toml(), { codexHome: home });
    const { id } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    await v2Turn(s, id, "second question", 2);
    const turnIds = s.notifications("turn/started").map((m) => (params(m).turn as JsonObject).id as string);
    const live = s.notifications("item/started").map(params).filter((p) => (p.item as JsonObject).type === "contextCompaction");
    expect(live.map((p) => p.turnId)).toEqual([turnIds[1]]);
    const expected = [
      { id: turnIds[0], items: ["userMessage", "agentMessage"] },
      { id: turnIds[1], items: ["contextCompaction", "userMessage", "agentMessage"] },
    ];
    const loaded = turnsOf(await s.request("thread/read", { threadId: id, includeTurns: true }));
    expect(shape(loaded)).toEqual(expected);
    await s.closeStdin();

    // A new process on the same CODEX_HOME rebuilds the same turns, item ids included.
    const fresh = await startInitialized(start, toml(), { codexHome: home });
    const read = turnsOf(await fresh.request("thread/read", { threadId: id, includeTurns: true }));
    expect(read).toEqual(loaded);
    const listed = await fresh.request("thread/turns/list", { threadId: id, sortDirection: "asc" });
    expect(shape((listed.result as { data: Turn[] }).data)).toEqual(expected);
    const items = await fresh.request("thread/items/list", { threadId: id, turnId: turnIds[1] });
    expect((items.result as { data: { turnId: string; item: JsonObject }[] }).data.map((e) => [e.turnId, e.item.type])).toEqual([
      [turnIds[1], "contextCompaction"],
      [turnIds[1], "userMessage"],
      [turnIds[1], "agentMessage"],
    ]);
    expect(shape(turnsOf(await fresh.request("thread/resume", { threadId: id })))).toEqual(expected);
    const fork = turnsOf(await fresh.request("thread/fork", { threadId: id }));
    expect(fork.map((t) => t.items.map((i) => i.type))).toEqual(expected.map((t) => t.items));

    // Rolling the turn back takes its compaction along: the next request has the history as it was before it.
    expect(shape(turnsOf(await fresh.request("thread/rollback", { threadId: id, numTurns: 1 })))).toEqual([expected[0]]);
    model.enqueue(textTurn("third answer"));
    expect(await v2Turn(fresh, id, "third question", 1)).toMatchObject({ status: "completed", lastAgentMessage: "third answer" });
    expect(inputText(3)).toContain("first answer");
    expect(inputText(3)).not.toContain("START-SUMMARY");
    expect(inputText(3)).not.toContain("second question");
  });

  it("a rollback after a compacted turn keeps the compaction: the history stays summarised", async () => {
    model.enqueue(textTurn("first answer", { usage: BIG }), textTurn("KEPT-SUMMARY"), textTurn("second answer"), textTurn("third answer"));
    const s = await startInitialized(start, toml());
    const { id } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    await v2Turn(s, id, "second question", 2);
    await v2Turn(s, id, "third question", 3);
    const rolled = turnsOf(await s.request("thread/rollback", { threadId: id, numTurns: 1 }));
    expect(rolled.map((t) => t.items.map((i) => i.type))).toEqual([
      ["userMessage", "agentMessage"],
      ["contextCompaction", "userMessage", "agentMessage"],
    ]);
    model.enqueue(textTurn("fourth answer"));
    expect(await v2Turn(s, id, "fourth question", 4)).toMatchObject({ status: "completed", lastAgentMessage: "fourth answer" });
    const sent = inputText(4);
    expect(sent).toContain("KEPT-SUMMARY");
    expect(sent).not.toContain("first answer");
    expect(sent).toContain("second answer");
    expect(sent).not.toContain("third question");
  });
});

describe("token accounting after a restart", () => {
  it("a resumed or forked thread goes on from its rollout's last token count: totals continue, and one past the limit compacts first", async () => {
    const home = tempDir();
    model.enqueue(textTurn("first answer", { usage: BIG }));
    const s = await startInitialized(start, toml(), { codexHome: home });
    const { id } = await v2Face.open(s);
    await v2Turn(s, id, "first question", 1);
    await s.closeStdin();

    const fresh = await startInitialized(start, toml(), { codexHome: home });
    const fork = await fresh.request("thread/fork", { threadId: id });
    expect(fork.error).toBeUndefined();
    const forkId = (fork.result as { thread: { id: string } }).thread.id;
    model.enqueue(textTurn("FORK-SUMMARY", { usage: SUMMARY_USAGE }), textTurn("fork answer"));
    expect(await v2Turn(fresh, forkId, "fork question", 1)).toMatchObject({ status: "completed", lastAgentMessage: "fork answer" });
    expect(lastInputText(1)).toBe(COMPACT_PROMPT);
    expect(totals(v2Usages(fresh, forkId))).toEqual([
      [2970, 1460],
      [2970, referenceEstimate(instructionsOf(1), (await compactedLine((fork.result as { thread: { path: string } }).thread.path)).replacement_history)],
      [2985, 15],
    ]);

    expect((await fresh.request("thread/resume", { threadId: id })).error).toBeUndefined();
    model.enqueue(textTurn("RESUME-SUMMARY", { usage: SUMMARY_USAGE }), textTurn("second answer"));
    expect(await v2Turn(fresh, id, "second question", 1)).toMatchObject({ status: "completed", lastAgentMessage: "second answer" });
    expect(lastInputText(3)).toBe(COMPACT_PROMPT);
    expect(inputText(4)).toContain("RESUME-SUMMARY");
    expect(totals(v2Usages(fresh, id)).map(([total]) => total)).toEqual([2970, 2970, 2985]);
  });
});
