import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ModelProviderInfo } from "../../src/config/types.js";
import { createResponsesClient, STREAM_CLOSED_MESSAGE, type ApiRequestReport, type ModelClientDeps, type SseEventReport } from "../../src/model/responses-client.js";
import { ModelError, type ModelEvent, type ModelRequest } from "../../src/model/types.js";
import { resetOriginatorForTests, setDefaultOriginator } from "../../src/originator.js";
import { resetUserAgentForTests, setUserAgentSuffix, userAgent } from "../../src/user-agent.js";
import { testProvider } from "../support/provider.js";
import {
  completed,
  created,
  cut,
  failedTurn,
  functionCallTurn,
  httpError,
  messageEvents,
  reasoningTurn,
  slow,
  sse,
  startFakeModelServer,
  textTurn,
  type FakeModelServer,
} from "../support/fake-model-server.js";

let server: FakeModelServer;
let home: string;
let delays: number[];

beforeEach(async () => {
  server = await startFakeModelServer();
  home = mkdtempSync(path.join(tmpdir(), "model-client-"));
  delays = [];
});

afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
  resetOriginatorForTests();
  resetUserAgentForTests();
});

function provider(over: Partial<ModelProviderInfo> = {}): ModelProviderInfo {
  return testProvider({ id: "fake", name: "fake", baseUrl: server.url, streamIdleTimeoutMs: 10_000, ...over });
}

function client(p: ModelProviderInfo = provider(), deps: Partial<ModelClientDeps> = {}) {
  return createResponsesClient(p, {
    codexHome: home,
    env: {},
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...deps,
  });
}

function request(over: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: "gpt-test",
    instructions: "be brief",
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
    tools: [],
    conversationId: "conv-1",
    ...over,
  };
}

async function collect(stream: AsyncIterable<ModelEvent>): Promise<{ events: ModelEvent[]; error?: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const e of stream) events.push(e);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

const run = (c = client(), r = request(), signal = new AbortController().signal) => collect(c.stream(r, signal));
const types = (events: ModelEvent[]) => events.map((e) => e.type);

describe("the request", () => {
  it("POSTs <base_url>/responses with the reference body", async () => {
    server.enqueue(textTurn("ok"));
    const tools = [{ type: "function" as const, name: "shell", description: "run", strict: false, parameters: { type: "object" } }];
    const input: ModelRequest["input"] = [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "perms" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }, { type: "input_image", image_url: "data:image/png;base64,AA" }] },
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "s" }], content: [{ type: "reasoning_text", text: "raw" }], encrypted_content: "enc" },
      { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "a" }] },
      { type: "function_call", id: "fc_1", call_id: "call_1", name: "shell", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1", output: "done" },
    ];
    const { error } = await run(client(), request({ input, tools, reasoning: { effort: "low", summary: "auto" }, include: ["reasoning.encrypted_content"] }));
    expect(error).toBeUndefined();
    const [req] = server.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/v1/responses");
    expect(req?.body).toEqual({
      model: "gpt-test",
      instructions: "be brief",
      // ids are never sent back (store: false); reasoning text stays local
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "perms" }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }, { type: "input_image", image_url: "data:image/png;base64,AA" }] },
        { type: "reasoning", summary: [{ type: "summary_text", text: "s" }], encrypted_content: "enc" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "a" }] },
        { type: "function_call", name: "shell", arguments: "{}", call_id: "call_1" },
        { type: "function_call_output", call_id: "call_1", output: "done" },
      ],
      tools,
      tool_choice: "auto",
      parallel_tool_calls: false,
      reasoning: { effort: "low", summary: "auto" },
      store: false,
      stream: true,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "conv-1",
    });
  });

  it("sends reasoning null and include [] by default", async () => {
    server.enqueue(textTurn("ok"));
    await run();
    expect(server.requests[0]?.body).toMatchObject({ reasoning: null, include: [] });
  });

  it("sends the protocol headers, session ids, originator and user-agent", async () => {
    server.enqueue(textTurn("ok"));
    await run();
    const h = server.requests[0]!.headers;
    expect(h["content-type"]).toBe("application/json");
    expect(h.accept).toBe("text/event-stream");
    expect(h.session_id).toBe("conv-1");
    expect(h.conversation_id).toBe("conv-1");
    expect(h.originator).toBe("codex_cli_rs");
    expect(h["user-agent"]).toBe(userAgent({}));
    expect(h.authorization).toBeUndefined();
  });

  it("reads originator and user-agent at send time, not when the client was made", async () => {
    const c = client();
    server.enqueue(textTurn("one"), textTurn("two"));
    await run(c);
    setDefaultOriginator("my_ide");
    setUserAgentSuffix("my_ide", "2.0.0");
    await run(c);
    const [first, second] = server.requests;
    expect(first?.headers.originator).toBe("codex_cli_rs");
    expect(first?.headers["user-agent"]).toMatch(/^codex_cli_rs\//);
    expect(second?.headers.originator).toBe("my_ide");
    expect(second?.headers["user-agent"]).toMatch(/^my_ide\/.* \(my_ide; 2\.0\.0\)$/);
  });

  it("honours CODEX_INTERNAL_ORIGINATOR_OVERRIDE from the client's env", async () => {
    setDefaultOriginator("my_ide");
    server.enqueue(textTurn("ok"));
    await run(client(provider(), { env: { CODEX_INTERNAL_ORIGINATOR_OVERRIDE: "forced" } }));
    expect(server.requests[0]?.headers.originator).toBe("forced");
    expect(server.requests[0]?.headers["user-agent"]).toMatch(/^forced\//);
  });

  it("adds query params, http_headers and env_http_headers (unset or empty ones skipped)", async () => {
    server.enqueue(textTurn("ok"));
    const p = provider({
      baseUrl: `${server.url}/`,
      queryParams: { "api-version": "2025-04-01", x: "a b" },
      httpHeaders: { "X-Static": "s" },
      envHttpHeaders: { "OpenAI-Organization": "ORG", "OpenAI-Project": "PROJ", "X-Empty": "EMPTY" },
    });
    await run(client(p, { env: { ORG: "org-1", EMPTY: "" } }));
    const req = server.requests[0]!;
    expect(req.path).toBe("/v1/responses?api-version=2025-04-01&x=a+b");
    expect(req.headers["x-static"]).toBe("s");
    expect(req.headers["openai-organization"]).toBe("org-1");
    expect(req.headers).not.toHaveProperty("openai-project");
    expect(req.headers).not.toHaveProperty("x-empty");
  });

  it("fails at once, without retrying, when a configured header cannot be sent", async () => {
    const { error } = await run(client(provider({ httpHeaders: { "X-Bad": "a\nb" }, requestMaxRetries: 3, streamMaxRetries: 3 })));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).kind).toBe("http");
    expect((error as ModelError).message).toMatch(/^failed to build the model request: /);
    expect(server.requests).toHaveLength(0);
    expect(delays).toEqual([]);
  });

  it("rejects a base_url that is not http(s) without sending anything", async () => {
    const { error } = await run(client(provider({ baseUrl: "ftp://example.com/v1" })));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).kind).toBe("http");
  });
});

describe("auth", () => {
  it("sends the env_key value as a bearer token", async () => {
    server.enqueue(textTurn("ok"));
    await run(client(provider({ envKey: "FAKE_KEY" }), { env: { FAKE_KEY: "sk-env" } }));
    expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-env");
  });

  it("fails with ModelError auth, without a request, when env_key is unset", async () => {
    const { error } = await run(client(provider({ envKey: "FAKE_KEY", envKeyInstructions: "Set it." })));
    expect(error).toMatchObject({ kind: "auth", message: "Missing environment variable: `FAKE_KEY`. Set it." });
    expect(server.requests).toHaveLength(0);
  });

  it("uses auth.json before OPENAI_API_KEY for OpenAI-auth providers, read per request", async () => {
    const p = provider({ requiresOpenaiAuth: true });
    const c = client(p, { env: { OPENAI_API_KEY: "sk-from-env" } });
    server.enqueue(textTurn("1"), textTurn("2"), textTurn("3"));
    await run(c);
    writeFileSync(path.join(home, "auth.json"), JSON.stringify({ OPENAI_API_KEY: "sk-stored" }));
    await run(c);
    writeFileSync(path.join(home, "auth.json"), JSON.stringify({ OPENAI_API_KEY: null, tokens: { access_token: "at", account_id: "acc" } }));
    await run(c);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer sk-from-env", "Bearer sk-stored", "Bearer at"]);
    expect(server.requests[2]?.headers["chatgpt-account-id"]).toBe("acc");
  });

  it("prefers the provider's literal token", async () => {
    server.enqueue(textTurn("ok"));
    await run(client(provider({ experimentalBearerToken: "tok", envKey: "K" }), { env: { K: "env" } }));
    expect(server.requests[0]?.headers.authorization).toBe("Bearer tok");
  });
});

describe("events", () => {
  it("streams a text turn: created, item added, deltas, item done, completed", async () => {
    server.enqueue(textTurn("Hello world", { id: "msg_9", deltas: ["Hel", "lo ", "world"], responseId: "resp_9" }));
    const { events, error } = await run();
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: "created" },
      { type: "output_item_added", item: { type: "message", id: "msg_9", role: "assistant", content: [] } },
      { type: "output_text_delta", itemId: "msg_9", delta: "Hel" },
      { type: "output_text_delta", itemId: "msg_9", delta: "lo " },
      { type: "output_text_delta", itemId: "msg_9", delta: "world" },
      { type: "output_item_done", item: { type: "message", id: "msg_9", role: "assistant", content: [{ type: "output_text", text: "Hello world" }] } },
      { type: "completed", responseId: "resp_9", usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 } },
    ]);
  });

  it("streams reasoning: summary parts, summary and text deltas, the finished item", async () => {
    server.enqueue(reasoningTurn({ id: "rs_7", summary: ["Thinking", "More"], reasoningText: "raw", encryptedContent: "ENC", text: "Answer" }));
    const { events } = await run();
    const reasoning = events.filter((e) => e.type.startsWith("reasoning_"));
    expect(reasoning).toEqual([
      { type: "reasoning_summary_part_added", itemId: "rs_7", summaryIndex: 0 },
      { type: "reasoning_summary_delta", itemId: "rs_7", delta: "Thinking", summaryIndex: 0 },
      { type: "reasoning_summary_part_added", itemId: "rs_7", summaryIndex: 1 },
      { type: "reasoning_summary_delta", itemId: "rs_7", delta: "More", summaryIndex: 1 },
      { type: "reasoning_text_delta", itemId: "rs_7", delta: "raw", contentIndex: 0 },
    ]);
    const done = events.filter((e) => e.type === "output_item_done");
    expect(done.map((e) => (e as { item: unknown }).item)).toEqual([
      {
        type: "reasoning",
        id: "rs_7",
        summary: [{ type: "summary_text", text: "Thinking" }, { type: "summary_text", text: "More" }],
        content: [{ type: "reasoning_text", text: "raw" }],
        encrypted_content: "ENC",
      },
      { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "Answer" }] },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "completed", usage: { reasoning_output_tokens: 3 } });
  });

  it("streams a function call item (argument deltas are not needed and skipped)", async () => {
    server.enqueue(functionCallTurn({ callId: "call_1", name: "shell", arguments: '{"command":["ls"]}', id: "fc_1" }));
    const { events } = await run();
    expect(types(events)).toEqual(["created", "output_item_added", "output_item_done", "completed"]);
    expect(events[2]).toEqual({ type: "output_item_done", item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "shell", arguments: '{"command":["ls"]}' } });
  });

  it("maps usage, cached and reasoning tokens included", async () => {
    server.enqueue([created(), completed({ input_tokens: 100, cached_input_tokens: 40, output_tokens: 20, reasoning_output_tokens: 7, total_tokens: 120 }, "r1")]);
    const { events } = await run();
    expect(events.at(-1)).toEqual({
      type: "completed",
      responseId: "r1",
      usage: { input_tokens: 100, cached_input_tokens: 40, output_tokens: 20, reasoning_output_tokens: 7, total_tokens: 120 },
    });
  });

  it("leaves usage out when the response has none", async () => {
    server.enqueue([created(), completed(undefined, "r2")]);
    const { events } = await run();
    expect(events.at(-1)).toEqual({ type: "completed", responseId: "r2" });
  });

  it("skips unknown events and undecodable payloads", async () => {
    server.enqueue({
      kind: "raw",
      body:
        'event: response.in_progress\ndata: {"type":"response.in_progress"}\n\n' +
        ": comment\n\n" +
        "event: response.output_text.delta\ndata: {not json\n\n" +
        `data: ${JSON.stringify(completed(undefined, "r3"))}\n\n`,
    });
    const { events, error } = await run();
    expect(error).toBeUndefined();
    expect(events).toEqual([{ type: "completed", responseId: "r3" }]);
  });

  it("fails with response_failed on response.failed, without retrying", async () => {
    server.enqueue(failedTurn("the model broke"), textTurn("unused"));
    const { events, error } = await run(client(provider({ streamMaxRetries: 3, requestMaxRetries: 3 })));
    expect(types(events)).toEqual(["created"]);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: "response_failed", message: "the model broke" });
    expect(server.requests).toHaveLength(1);
  });

  it("fails with incomplete on response.incomplete", async () => {
    server.enqueue([created(), { type: "response.incomplete", response: { id: "r", incomplete_details: { reason: "max_output_tokens" } } }]);
    const { error } = await run();
    expect(error).toMatchObject({ kind: "incomplete", message: "Incomplete response returned, reason: max_output_tokens" });
  });

  it("reports each HTTP attempt and each SSE event", async () => {
    const api: ApiRequestReport[] = [];
    const sseReports: SseEventReport[] = [];
    server.enqueue(httpError(503, "busy"), textTurn("hi", { usage: { input_tokens: 3, output_tokens: 2 } }));
    await run(client(provider({ requestMaxRetries: 1 }), { onApiRequest: (r) => api.push(r), onSseEvent: (r) => sseReports.push(r) }));
    expect(api).toMatchObject([
      { attempt: 1, status: 503, error: "busy" },
      { attempt: 2, status: 200 },
    ]);
    expect(api[1]).not.toHaveProperty("error");
    for (const r of api) expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(sseReports.map((r) => r.kind)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(sseReports.at(-1)?.usage).toEqual({ input_tokens: 3, cached_input_tokens: 0, output_tokens: 2, reasoning_output_tokens: 0, total_tokens: 5 });
  });

  it("reports the error of a response.failed event", async () => {
    const sseReports: SseEventReport[] = [];
    server.enqueue(failedTurn("nope"));
    await run(client(provider(), { onSseEvent: (r) => sseReports.push(r) }));
    expect(sseReports.at(-1)).toMatchObject({ kind: "response.failed", error: "nope" });
  });

  it("keeps the bearer token out of telemetry when an error body echoes it", async () => {
    const api: ApiRequestReport[] = [];
    const token = "tk-echoed-7f3a9c2e";
    server.enqueue(httpError(401, `{"error":{"message":"bad key ${token}"}}`));
    await run(client(provider({ experimentalBearerToken: token }), { onApiRequest: (r) => api.push(r) }));
    expect(api).toMatchObject([{ attempt: 1, status: 401, error: '{"error":{"message":"bad key [REDACTED]"}}' }]);
  });

  it("survives a report hook that throws", async () => {
    server.enqueue(textTurn("ok"));
    const { error } = await run(client(provider(), { onApiRequest: () => { throw new Error("x"); }, onSseEvent: () => { throw new Error("y"); } }));
    expect(error).toBeUndefined();
  });
});

describe("request-level retries", () => {
  it("retries a 500 silently, with backoff", async () => {
    server.enqueue(httpError(500, "oops"), textTurn("ok"));
    const { events, error } = await run(client(provider({ requestMaxRetries: 2 })));
    expect(error).toBeUndefined();
    expect(types(events)).not.toContain("retrying");
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(180);
    expect(delays[0]).toBeLessThanOrEqual(220);
  });

  it("backs off exponentially", async () => {
    server.enqueue(httpError(502, "a"), httpError(502, "b"), httpError(502, "c"), textTurn("ok"));
    await run(client(provider({ requestMaxRetries: 3 })));
    expect(delays).toHaveLength(3);
    [200, 400, 800].forEach((base, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(base * 0.9);
      expect(delays[i]).toBeLessThanOrEqual(base * 1.1);
    });
  });

  it("honours Retry-After in seconds, as a date, and retry-after-ms", async () => {
    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    server.enqueue(
      httpError(429, "slow down", { "Retry-After": "3" }),
      httpError(429, "slow down", { "Retry-After": inTwoSeconds }),
      httpError(503, "busy", { "retry-after-ms": "1500" }),
      httpError(429, "slow down", { "Retry-After": "86400" }),
      textTurn("ok"),
    );
    const { error } = await run(client(provider({ requestMaxRetries: 4 })));
    expect(error).toBeUndefined();
    expect(delays[0]).toBe(3000);
    expect(delays[1]).toBeGreaterThan(500);
    expect(delays[1]).toBeLessThanOrEqual(2000);
    expect(delays[2]).toBe(1500);
    expect(delays[3]).toBe(60_000); // capped
  });

  it("fails at once on a 400 with the body as the message", async () => {
    const body = JSON.stringify({ error: { message: "bad thing", type: "invalid_request_error" } });
    server.enqueue(httpError(400, body), textTurn("unused"));
    const { events, error } = await run(client(provider({ requestMaxRetries: 3, streamMaxRetries: 3 })));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: "http", status: 400, message: body, body });
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("retries connection errors, then gives up with ModelError network", async () => {
    const port = await closedPort();
    const { error } = await run(client(provider({ baseUrl: `http://127.0.0.1:${port}/v1`, requestMaxRetries: 2 })));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).kind).toBe("network");
    expect(delays).toHaveLength(2);
  });

  it("falls through to a visible stream retry when request retries are spent (v1 §3.6)", async () => {
    server.enqueue(httpError(500, "e1"), httpError(500, "e2"), httpError(500, "e3"), textTurn("finally"));
    const { events, error } = await run(client(provider({ requestMaxRetries: 2, streamMaxRetries: 2 })));
    expect(error).toBeUndefined();
    expect(server.requests).toHaveLength(4);
    expect(events.filter((e) => e.type === "retrying")).toEqual([{ type: "retrying", attempt: 1, max: 2, message: "Reconnecting... 1/2" }]);
    expect(events[0]).toEqual({ type: "retrying", attempt: 1, max: 2, message: "Reconnecting... 1/2" });
    expect(events.at(-1)?.type).toBe("completed");
  });

  it("ends with the last HTTP error when every retry fails", async () => {
    server.enqueue(httpError(500, "e1"), httpError(500, "e2"));
    const { events, error } = await run(client(provider({ requestMaxRetries: 0, streamMaxRetries: 1 })));
    expect(types(events)).toEqual(["retrying"]);
    expect(error).toMatchObject({ kind: "http", status: 500, body: "e2" });
  });
});

describe("stream-level retries", () => {
  it("retries a stream cut before response.completed as a new request", async () => {
    server.enqueue(cut(textTurn("partial text", { id: "msg_a" }), 3), textTurn("whole", { id: "msg_b" }));
    const { events, error } = await run(client(provider({ streamMaxRetries: 2 })));
    expect(error).toBeUndefined();
    expect(types(events)).toEqual([
      "created",
      "output_item_added",
      "output_text_delta",
      "retrying",
      "created",
      "output_item_added",
      "output_text_delta",
      "output_item_done",
      "completed",
    ]);
    expect(events[3]).toEqual({ type: "retrying", attempt: 1, max: 2, message: "Reconnecting... 1/2" });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toEqual(server.requests[0]?.body);
    expect(delays).toHaveLength(1);
  });

  it("retries a connection reset mid-stream", async () => {
    server.enqueue(cut(textTurn("x"), 2, "destroy"), textTurn("y"));
    const { events, error } = await run(client(provider({ streamMaxRetries: 1 })));
    expect(error).toBeUndefined();
    expect(types(events)).toEqual(["created", "output_item_added", "retrying", "created", "output_item_added", "output_text_delta", "output_item_done", "completed"]);
  });

  it("fails with stream_closed when there are no stream retries", async () => {
    server.enqueue(cut(textTurn("x"), 3), textTurn("unused"));
    const { events, error } = await run();
    expect(types(events)).toEqual(["created", "output_item_added", "output_text_delta"]);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: "stream_closed", message: STREAM_CLOSED_MESSAGE });
    expect(STREAM_CLOSED_MESSAGE).toBe("stream disconnected before completion: stream closed before response.completed");
    expect(server.requests).toHaveLength(1);
  });

  it("fails with stream_closed once the stream retries are spent", async () => {
    server.enqueue(cut(textTurn("x"), 1), cut(textTurn("x"), 1), cut(textTurn("x"), 1));
    const { events, error } = await run(client(provider({ streamMaxRetries: 2 })));
    expect(events.filter((e) => e.type === "retrying").map((e) => (e as { message: string }).message)).toEqual(["Reconnecting... 1/2", "Reconnecting... 2/2"]);
    expect(error).toMatchObject({ kind: "stream_closed", message: STREAM_CLOSED_MESSAGE });
  });

  it("times out an idle stream, and retries it", async () => {
    server.enqueue(cut(textTurn("x"), 2, "hang"), textTurn("ok"));
    const started = Date.now();
    const { events, error } = await run(client(provider({ streamIdleTimeoutMs: 150, streamMaxRetries: 1 })));
    expect(error).toBeUndefined();
    expect(types(events)).toContain("retrying");
    expect(events.at(-1)?.type).toBe("completed");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("fails with idle_timeout when the stream stays silent and no retries are left", async () => {
    server.enqueue(cut(textTurn("x"), 2, "hang"));
    const { error } = await run(client(provider({ streamIdleTimeoutMs: 150 })));
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: "idle_timeout", message: "stream disconnected before completion: idle timeout waiting for SSE" });
  });

  it("does not count a slow consumer's time as server silence", async () => {
    server.enqueue(textTurn("abc", { deltas: ["a", "b", "c"] }));
    const c = client(provider({ streamIdleTimeoutMs: 100 }));
    const events: ModelEvent[] = [];
    for await (const e of c.stream(request(), new AbortController().signal)) {
      events.push(e);
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(events.at(-1)?.type).toBe("completed");
  });
});

describe("abort", () => {
  it("ends the iteration promptly mid-stream with an AbortError", async () => {
    server.enqueue(slow(textTurn("a b c d e f", { deltas: ["a ", "b ", "c ", "d ", "e ", "f"] }), 300));
    const controller = new AbortController();
    const events: ModelEvent[] = [];
    let caught: unknown;
    let abortedAt = 0;
    try {
      for await (const e of client(provider({ streamMaxRetries: 3 })).stream(request(), controller.signal)) {
        events.push(e);
        if (e.type === "output_text_delta") {
          abortedAt = Date.now();
          setTimeout(() => controller.abort(), 10);
        }
      }
    } catch (error) {
      caught = error;
    }
    expect(Date.now() - abortedAt).toBeLessThan(250);
    expect(caught).toMatchObject({ name: "AbortError" });
    expect(types(events)).toEqual(["created", "output_item_added", "output_text_delta"]);
    expect(server.requests).toHaveLength(1); // an abort is never retried
  });

  it("throws the signal's reason when one was given", async () => {
    server.enqueue(slow(textTurn("x"), 500));
    const controller = new AbortController();
    const reason = new Error("interrupted by user");
    setTimeout(() => controller.abort(reason), 50);
    const { error } = await collect(client().stream(request(), controller.signal));
    expect(error).toBe(reason);
  });

  it("interrupts a backoff sleep", async () => {
    server.enqueue(httpError(503, "a", { "Retry-After": "5" }), httpError(500, "b"));
    const controller = new AbortController();
    const started = Date.now();
    // The real sleep, asked for 5 s by the server.
    const c = createResponsesClient(provider({ requestMaxRetries: 5 }), { codexHome: home, env: {} });
    // Abort once the first attempt has been answered, i.e. during the 5 s sleep (a fixed delay
    // could fire before the request even arrives on a loaded machine).
    const poll = setInterval(() => {
      if (server.requests.length >= 1) {
        clearInterval(poll);
        setTimeout(() => controller.abort(), 50);
      }
    }, 5);
    const { error } = await collect(c.stream(request(), controller.signal));
    clearInterval(poll);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(server.requests).toHaveLength(1);
  });

  it("interrupts the wait for response headers", async () => {
    server.enqueue(sse(textTurn("x"), { delayMs: 1000 }));
    const controller = new AbortController();
    const c = client(provider());
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const { events, error } = await collect(c.stream(request(), controller.signal));
    expect(error).toMatchObject({ name: "AbortError" });
    expect(events.length).toBeLessThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("sends nothing when already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const { error } = await collect(client().stream(request(), controller.signal));
    expect(error).toMatchObject({ name: "AbortError" });
    expect(server.requests).toHaveLength(0);
  });
});

describe("consumers", () => {
  it("can stop after completed and reuse the connection for the next request", async () => {
    const c = client();
    server.enqueue(textTurn("one"), textTurn("two"));
    for await (const e of c.stream(request(), new AbortController().signal)) if (e.type === "completed") break;
    const { error } = await run(c);
    expect(error).toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it("streams several output items in one response", async () => {
    server.enqueue([created(), ...messageEvents("a", { id: "m1" }), ...messageEvents("b", { id: "m2", outputIndex: 1 }), completed()]);
    const { events } = await run();
    expect(events.filter((e) => e.type === "output_item_done")).toHaveLength(2);
  });
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
