// The Chat Completions wire (`wire_api = "chat"`) through the real bin against a fake chat server:
// what a client sees (streamed deltas, items, token usage, failures) and what the server is sent.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chatStream, chatTextTurn, chatToolCallTurn, deltaChunk } from "../support/fake-chat.js";
import { httpError, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { v1Face, v2Face } from "../support/turn-faces.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "chat-wire-");

/** The fake provider speaking chat; `settings` replace the retry lines or add keys. */
function chatToml(settings: { requestRetries?: number; streamRetries?: number; extra?: string; policy?: string } = {}): string {
  return fakeProviderToml(model, settings.extra ?? "", settings.policy ?? "never")
    .replace('wire_api = "responses"', 'wire_api = "chat"')
    .replace("request_max_retries = 0", `request_max_retries = ${settings.requestRetries ?? 0}`)
    .replace("stream_max_retries = 0", `stream_max_retries = ${settings.streamRetries ?? 0}`);
}

const params = (m: JsonObject) => (m.params ?? {}) as JsonObject;

async function v2Turn(s: ServerProcess, text = "hi"): Promise<{ threadId: string; turn: JsonObject }> {
  const { id } = await v2Face.open(s);
  await v2Face.say(s, id, text);
  const done = await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
  return { threadId: id, turn: params(done).turn as JsonObject };
}

describe("chat wire: requests", () => {
  it("posts to /chat/completions: system instructions, then the user message; tools in chat format; headers as the Responses wire", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(chatTextTurn(["Hel", "lo", "!"]));
    const { turn } = await v2Turn(s, "say hello");
    expect(turn.status).toBe("completed");
    expect(model.requests).toHaveLength(1);
    const req = model.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v1/chat/completions");
    expect(req.headers.authorization).toBe("Bearer sk-fake-123");
    expect(req.headers.originator).toBe("v1_ide");
    expect(req.headers["user-agent"]).toMatch(/^v1_ide\//);
    expect(req.headers.accept).toBe("text/event-stream");
    const body = req.body as { model: string; stream: boolean; stream_options: unknown; messages: JsonObject[]; tools: JsonObject[] };
    expect(body.model).toBe("test-model");
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.messages[0]).toMatchObject({ role: "system", content: expect.stringContaining("coding agent") });
    expect(body.messages.at(-1)).toEqual({ role: "user", content: "say hello" });
    // No Responses-only roles reach a chat server.
    expect(body.messages.every((m) => ["system", "user", "assistant", "tool"].includes(m.role as string))).toBe(true);
    const shell = body.tools.find((t) => (t.function as JsonObject).name === "shell")!;
    expect(shell.type).toBe("function");
    expect(shell.function).toMatchObject({ name: "shell", description: expect.any(String), parameters: { type: "object" } });
    expect(Object.keys(shell)).toEqual(["type", "function"]);
  });
});

describe("chat wire: streaming", () => {
  it("content deltas stream as agent message deltas (v2), and usage becomes the token count", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(chatTextTurn(["Hel", "lo", "!"], { usage: { prompt_tokens: 120, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 100 } } }));
    const { threadId, turn } = await v2Turn(s);
    expect(turn.status).toBe("completed");
    const deltas = s.notifications("item/agentMessage/delta").map(params);
    expect(deltas.map((d) => d.delta)).toEqual(["Hel", "lo", "!"]);
    const started = s.notifications("item/started").map(params).map((p) => p.item as JsonObject).filter((i) => i.type === "agentMessage");
    const completed = s.notifications("item/completed").map(params).map((p) => p.item as JsonObject).filter((i) => i.type === "agentMessage");
    expect(completed).toEqual([expect.objectContaining({ text: "Hello!" })]);
    // One item: its deltas and its completion carry the id it started with.
    expect(new Set([started[0]!.id, completed[0]!.id, ...deltas.map((d) => d.itemId)]).size).toBe(1);
    const usage = s.notifications("thread/tokenUsage/updated").map(params).find((p) => p.threadId === threadId)!;
    expect((usage.tokenUsage as JsonObject).last).toMatchObject({ inputTokens: 120, cachedInputTokens: 100, outputTokens: 7, totalTokens: 127 });
  });

  it("v1: agent_message_delta per chunk, then agent_message and task_complete with the whole text", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(chatTextTurn(["a", "b", "c"]));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "x");
    await turnsEnded(s);
    expect(events(s, "agent_message_delta").map((e) => e.delta)).toEqual(["a", "b", "c"]);
    expect(events(s, "agent_message").map((e) => e.message)).toEqual(["abc"]);
    expect(events(s, "task_complete")[0]).toMatchObject({ last_agent_message: "abc" });
  });

  it("reasoning deltas (reasoning_content, reasoning) become a reasoning item before the answer", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(
      chatStream([
        deltaChunk({ role: "assistant", reasoning_content: "Think" }),
        deltaChunk({ reasoning: "ing." }),
        deltaChunk({ content: "Answer" }),
        deltaChunk({}, "stop"),
      ]),
    );
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("completed");
    expect(s.notifications("item/reasoning/textDelta").map((m) => params(m).delta)).toEqual(["Think", "ing."]);
    const items = s.notifications("item/completed").map((m) => params(m).item as JsonObject);
    const reasoning = items.find((i) => i.type === "reasoning")!;
    expect(reasoning.content).toEqual(["Thinking."]);
    expect(items.indexOf(reasoning)).toBeLessThan(items.findIndex((i) => i.type === "agentMessage"));
  });

  it("a tool call streamed in pieces runs, and its output goes back as a tool message with its tool_call_id", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(
      chatToolCallTurn({ id: "call_abc", name: "shell", parts: ['{"comm', 'and":["echo",', '"from-tool"]}'] }),
      chatTextTurn(["done"]),
    );
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("completed");
    const exec = s.notifications("item/completed").map((m) => params(m).item as JsonObject).find((i) => i.type === "commandExecution")!;
    expect(exec.aggregatedOutput).toContain("from-tool");
    expect(model.requests).toHaveLength(2);
    const messages = (model.requests[1]!.body as { messages: JsonObject[] }).messages;
    const assistant = messages.find((m) => m.role === "assistant")!;
    expect(assistant.tool_calls).toEqual([{ id: "call_abc", type: "function", function: { name: "shell", arguments: '{"command":["echo","from-tool"]}' } }]);
    const tool = messages.at(-1)!;
    expect(tool).toMatchObject({ role: "tool", tool_call_id: "call_abc" });
    expect(tool.content).toContain("from-tool");
    expect(messages.indexOf(assistant)).toBe(messages.length - 2);
  });

  it("two tool calls by index: both run, one assistant message carries both, each output follows by id", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(
      chatStream([
        deltaChunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "shell", arguments: '{"command":' } }] }),
        deltaChunk({ tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "shell", arguments: '{"command":["echo","two"]}' } }] }),
        deltaChunk({ tool_calls: [{ index: 0, function: { arguments: '["echo","one"]}' } }] }),
        deltaChunk({}, "tool_calls"),
      ]),
      chatTextTurn(["ok"]),
    );
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("completed");
    const messages = (model.requests[1]!.body as { messages: JsonObject[] }).messages;
    const tail = messages.slice(-3);
    expect((tail[0]!.tool_calls as JsonObject[]).map((c) => c.id)).toEqual(["call_1", "call_2"]);
    expect(tail[1]).toMatchObject({ role: "tool", tool_call_id: "call_1", content: expect.stringContaining("one") });
    expect(tail[2]).toMatchObject({ role: "tool", tool_call_id: "call_2", content: expect.stringContaining("two") });
  });
});

describe("chat wire: bad input", () => {
  it("a malformed JSON chunk is skipped; the rest of the answer arrives", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(chatStream([deltaChunk({ content: "one " }), "{not json", deltaChunk({ content: "two" }), deltaChunk({}, "stop")]));
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("completed");
    const completed = s.notifications("item/completed").map((m) => params(m).item as JsonObject).filter((i) => i.type === "agentMessage");
    expect(completed.map((i) => i.text)).toEqual(["one two"]);
  });

  it("a tool call with invalid JSON arguments is answered with an error the model reads; the turn goes on", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(chatToolCallTurn({ id: "call_bad", name: "shell", parts: ['{"command": ["echo", '] }), chatTextTurn(["recovered"]));
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("completed");
    const tool = (model.requests[1]!.body as { messages: JsonObject[] }).messages.at(-1)!;
    expect(tool).toMatchObject({ role: "tool", tool_call_id: "call_bad" });
    expect(String(tool.content)).toMatch(/json|parse|argument/i);
    const texts = s.notifications("item/completed").map((m) => params(m).item as JsonObject).filter((i) => i.type === "agentMessage");
    expect(texts.map((i) => i.text)).toEqual(["recovered"]);
  });

  it("a stream that ends after finish_reason without [DONE] is complete", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(chatTextTurn(["whole"], { noDone: true }));
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("completed");
    expect(model.requests).toHaveLength(1);
  });

  it("a stream cut before finish_reason and [DONE] is retried, then fails the turn as a disconnect; the thread stays usable", async () => {
    const s = await startInitialized(start, chatToml({ streamRetries: 1 }));
    const cutShort = () => chatStream([deltaChunk({ content: "par" }), deltaChunk({ content: "tial" })], { noDone: true });
    model.enqueue(cutShort(), cutShort());
    const { threadId, turn } = await v2Turn(s);
    expect(model.requests).toHaveLength(2);
    expect(turn.status).toBe("failed");
    expect(turn.error).toMatchObject({ codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } }, message: expect.stringMatching(/stream disconnected before completion/) });
    model.enqueue(chatTextTurn(["fine"]));
    await v2Face.say(s, threadId, "again");
    expect(await v2Face.turnEnded(s, threadId, 2)).toMatchObject({ status: "completed", lastAgentMessage: "fine" });
  });

  it("an error chunk mid-stream fails the turn with its message", async () => {
    const s = await startInitialized(start, chatToml());
    model.enqueue(chatStream([deltaChunk({ content: "x" }), { error: { message: "the model crashed", code: "server_error" } }], { noDone: true }));
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("failed");
    expect(turn.error).toMatchObject({ message: "the model crashed", codexErrorInfo: "internalServerError" });
  });
});

describe("chat wire: context overflow", () => {
  for (const [what, status, body] of [
    ["vLLM's 400 \"maximum context length\"", 400, { object: "error", message: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.", type: "BadRequestError" }],
    ["llama.cpp's exceed_context_size_error", 400, { code: 400, message: "the request exceeds the available context size, try increasing it", type: "exceed_context_size_error" }],
    ["a proxy's 413", 413, { message: "Payload Too Large" }],
  ] as const) {
    it(`${what} compacts and retries once, then fails the turn as contextWindowExceeded with a clear message; the thread stays usable`, async () => {
      const s = await startInitialized(start, chatToml());
      model.enqueue(httpError(status, JSON.stringify({ error: body })), chatTextTurn(["summary"]), httpError(status, JSON.stringify({ error: body })));
      const { threadId, turn } = await v2Turn(s);
      // The request, the summarisation (no tools), the request again on the compacted history.
      expect(model.requests).toHaveLength(3);
      expect((model.requests[1]!.body as JsonObject).tools).toBeUndefined();
      expect(turn.status).toBe("failed");
      expect(turn.error).toMatchObject({ codexErrorInfo: "contextWindowExceeded", message: expect.stringMatching(/^Codex ran out of room in the model's context window/) });
      model.enqueue(chatTextTurn(["still here"]));
      await v2Face.say(s, threadId, "shorter");
      expect(await v2Face.turnEnded(s, threadId, 2)).toMatchObject({ status: "completed", lastAgentMessage: "still here" });
    });
  }
});

describe("chat wire: telemetry", () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it("exports codex.api_request and codex.sse_event as the Responses wire does, the token counts on [DONE]", async () => {
    const extra = `\n[otel]\nexporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "json" } }\n`;
    const s = await startInitialized(start, chatToml({ extra }));
    model.enqueue(chatTextTurn(["a", "b"], { usage: { prompt_tokens: 40, completion_tokens: 2 } }));
    await v2Turn(s);
    expect((await s.closeStdin()).code).toBe(0);
    const byName = (name: string) => receiver.logs.filter((l) => l.attributes["event.name"] === name);
    expect(byName("codex.api_request")[0]!.attributes).toMatchObject({ attempt: "1", "http.response.status_code": "200", model: "test-model" });
    const sse = byName("codex.sse_event");
    expect(new Set(sse.map((l) => l.attributes["event.kind"]))).toEqual(new Set(["chat.completion.chunk", "[DONE]"]));
    expect(sse.find((l) => l.attributes["event.kind"] === "[DONE]")!.attributes).toMatchObject({ input_token_count: "40", output_token_count: "2" });
  });
});

describe("chat wire: resume", () => {
  it("a resumed chat thread sends its history back: the call in the assistant message, its output as a tool message", async () => {
    const home = tempDir();
    const first = await startInitialized(start, chatToml(), { codexHome: home });
    model.enqueue(chatToolCallTurn({ id: "call_r", name: "shell", parts: ['{"command":["echo","remembered"]}'] }), chatTextTurn(["first done"]));
    const { threadId } = await v2Turn(first, "run it");
    const rolloutPath = (first.notifications("thread/started")[0]!.params as { thread: { path: string } }).thread.path;
    await first.closeStdin();
    const second = await startInitialized(start, chatToml(), { codexHome: home });
    const { id } = await v2Face.resume(second, rolloutPath);
    expect(id).toBe(threadId);
    model.enqueue(chatTextTurn(["second done"]));
    await v2Face.say(second, id, "and now?");
    expect(await v2Face.turnEnded(second, id, 1)).toMatchObject({ status: "completed", lastAgentMessage: "second done" });
    const messages = (model.requests[2]!.body as { messages: JsonObject[] }).messages;
    const call = messages.find((m) => Array.isArray(m.tool_calls))!;
    expect(call.tool_calls).toEqual([{ id: "call_r", type: "function", function: { name: "shell", arguments: '{"command":["echo","remembered"]}' } }]);
    const output = messages.find((m) => m.role === "tool")!;
    expect(output).toMatchObject({ tool_call_id: "call_r", content: expect.stringContaining("remembered") });
    expect(messages.indexOf(output)).toBe(messages.indexOf(call) + 1);
    expect(messages.filter((m) => m.role === "assistant").map((m) => m.content)).toContain("first done");
    expect(messages.at(-1)).toEqual({ role: "user", content: "and now?" });
  });
});

describe("chat wire: retries and timeouts", () => {
  it("a 500 is retried silently, then the answer streams", async () => {
    const s = await startInitialized(start, chatToml({ requestRetries: 1 }));
    model.enqueue(httpError(500, JSON.stringify({ error: { message: "overloaded" } })), chatTextTurn(["after retry"]));
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("completed");
    expect(model.requests.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
  });

  it("a broken stream is retried visibly (Reconnecting... 1/1) and the retried answer alone is kept (v1)", async () => {
    const s = await startInitialized(start, chatToml({ streamRetries: 1 }));
    model.enqueue(chatTextTurn(["lost", " words"], { cutAfter: 2, cut: "destroy" }), chatTextTurn(["kept"]));
    const { id } = await v1Face.open(s);
    await v1Face.say(s, id, "x");
    const outcome = await v1Face.turnEnded(s, id, 1);
    expect(outcome).toMatchObject({ status: "completed", lastAgentMessage: "kept", retries: ["Reconnecting... 1/1"] });
  });

  it("a silent server hits the idle timeout and the turn fails as a disconnect", async () => {
    const s = await startInitialized(start, chatToml({ extra: "stream_idle_timeout_ms = 300" }));
    model.enqueue(chatTextTurn(["never", "ends"], { cutAfter: 1, cut: "hang" }));
    const { turn } = await v2Turn(s);
    expect(turn.status).toBe("failed");
    expect(turn.error).toMatchObject({ message: expect.stringMatching(/idle timeout/), codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } } });
  });
});

describe("built-in local providers", () => {
  const ossToml = (provider: string) => `model = "gpt-oss:20b"\nmodel_provider = "${provider}"\napproval_policy = "never"\n`;

  for (const [provider, path] of [
    ["ollama-chat", "/v1/chat/completions"],
    ["ollama", "/v1/responses"],
    ["lmstudio", "/v1/responses"],
  ] as const) {
    it(`${provider} reaches CODEX_OSS_BASE_URL${path.slice(3)} with no Authorization header`, async () => {
      const s = start({ configToml: ossToml(provider), env: { CODEX_OSS_BASE_URL: model.url, OPENAI_API_KEY: "sk-must-not-be-sent" } });
      await s.initialize("oss_ide", "1.0");
      model.enqueue(path.endsWith("chat/completions") ? chatTextTurn(["local"]) : textTurn("local"));
      const { turn } = await v2Turn(s);
      expect(model.requests[0]!.path).toBe(path);
      expect(model.requests[0]!.headers.authorization).toBeUndefined();
      expect(model.requests[0]!.headers.originator).toBe("oss_ide");
      expect((model.requests[0]!.body as JsonObject).model).toBe("gpt-oss:20b");
      expect(turn.status).toBe("completed");
    });
  }
});
