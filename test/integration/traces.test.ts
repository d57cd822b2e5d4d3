// Traces a client and a trace backend see: a span per request (continuing the client's
// traceparent), the turn under turn/start, model requests and tool calls under the turn with the
// GenAI attributes, the traceparent the model backend receives, prompt content only when asked
// for and never a secret, and a dead collector that costs nothing at exit.
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { completed, created, cut, functionCallTurn, messageEvents, slow, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { startOtlpGrpcReceiver, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { stdioServerToml } from "../support/mcp-servers.js";
import { approvalRequest, fakeProviderToml, FAKE_ENV, openConversation, say, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

const CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CLIENT_SPAN = "b7ad6b7169203331";
const TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;

function traceToml(exporter: string, extra = "", policy = "never"): string {
  // danger-full-access: the shell call runs as is, whatever the sandbox work in flight does.
  return `sandbox_mode = "danger-full-access"\n${fakeProviderToml(model, `\n[otel]\ntrace_exporter = ${exporter}\n${extra}`, policy)}`;
}

const httpExporter = (r: OtlpReceiver, protocol: "binary" | "json") => `{ otlp-http = { endpoint = "${r.tracesUrl}", protocol = "${protocol}" } }`;

async function startTraced(configToml: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const s = start({ configToml, env: { ...FAKE_ENV, ...env } });
  expect((await s.initialize("trace_ide", "4.2")).error).toBeUndefined();
  return s;
}

/** turn/start with the top-level `trace` field of 0.169's JSONRPCRequest. */
async function startTurn(s: ServerProcess, threadId: string, text: string, trace?: unknown) {
  const id = `turn-${Date.now()}`;
  s.send({ id, method: "turn/start", params: { threadId, input: [{ type: "text", text }] }, ...(trace !== undefined ? { trace } : {}) });
  const res = await s.response(id);
  expect(res.error).toBeUndefined();
  return (res.result as { turn: { id: string } }).turn.id;
}

async function threadStart(s: ServerProcess): Promise<string> {
  const res = await s.request("thread/start", { cwd: process.cwd() });
  expect(res.error).toBeUndefined();
  return (res.result as { thread: { id: string } }).thread.id;
}

async function turnCompleted(s: ServerProcess, n = 1): Promise<void> {
  await s.waitFor(() => s.notifications("turn/completed")[n - 1], 15_000, `turn ${n} to complete`);
}

const byName = (spans: ReceivedSpan[], name: string) => spans.filter((x) => x.name === name);
const one = (spans: ReceivedSpan[], name: string): ReceivedSpan => {
  const found = byName(spans, name);
  expect(found.map((x) => x.name)).toEqual([name]);
  return found[0]!;
};

const shellCall = (callId: string) =>
  functionCallTurn({ callId, name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo traced; exit 3"] }) });

const transports: [string, () => Promise<OtlpReceiver>, (r: OtlpReceiver) => string][] = [
  ["OTLP/HTTP protobuf", startOtlpReceiver, (r) => httpExporter(r, "binary")],
  ["OTLP/HTTP JSON", startOtlpReceiver, (r) => httpExporter(r, "json")],
  ["OTLP/gRPC", startOtlpGrpcReceiver, (r) => `{ otlp-grpc = { endpoint = "${r.tracesUrl}" } }`],
];

for (const [label, startReceiver, exporter] of transports) {
  describe(label, () => {
    it("exports the span tree of a v2 turn with a shell call, continuing the client's traceparent", async () => {
      const receiver = await startReceiver();
      receivers.push(receiver);
      model.enqueue(shellCall("call_1"));
      model.enqueue(textTurn("done", { usage: { input_tokens: 30, output_tokens: 7, cached_input_tokens: 4, reasoning_output_tokens: 2 } }));
      const s = await startTraced(traceToml(exporter(receiver)));
      const threadId = await threadStart(s);
      const turnId = await startTurn(s, threadId, "run the thing", { traceparent: TRACEPARENT, tracestate: "vendor=1" });
      await turnCompleted(s);
      expect((await s.closeStdin()).code).toBe(0);
      expect(receiver.errors).toEqual([]);
      const spans = receiver.spans;

      for (const x of spans) expect(x.resource).toMatchObject({ "service.name": "codex_app_server" });
      const init = one(spans, "initialize");
      expect(init.kind).toBe(2);
      expect(init.attributes).toMatchObject({
        "rpc.system": "jsonrpc",
        "rpc.method": "initialize",
        "rpc.transport": "stdio",
        "app_server.client_name": "trace_ide",
        "app_server.client_version": "4.2",
        "app_server.outcome": "ok",
      });
      expect(typeof init.attributes["rpc.request_id"]).toBe("string");
      expect(init.parentSpanId).toBeUndefined();

      // The request that carried the client's context is its child, and so is everything under it.
      const request = one(spans, "turn/start");
      expect(request).toMatchObject({ kind: 2, traceId: CLIENT_TRACE, parentSpanId: CLIENT_SPAN, traceState: "vendor=1" });
      expect(request.attributes).toMatchObject({ "rpc.method": "turn/start", "turn.id": turnId, "thread.id": threadId, "app_server.api_version": "v2" });

      const turn = one(spans, "session_task.turn");
      expect(turn).toMatchObject({ traceId: CLIENT_TRACE, parentSpanId: request.spanId });
      expect(turn.attributes).toMatchObject({
        "thread.id": threadId,
        "turn.id": turnId,
        model: "test-model",
        "model.provider": "Fake",
        "approval.policy": "never",
        "sandbox.policy": "danger-full-access",
        "turn.outcome": "completed",
        originator: "trace_ide",
        "gen_ai.usage.input_tokens": 40,
        "gen_ai.usage.output_tokens": 12,
        "codex.turn.token_usage.input_tokens": 40,
        "codex.turn.token_usage.cached_input_tokens": 4,
      });

      const chats = byName(spans, "try_run_sampling_request").sort((a, b) => a.startTimeUnixNano.localeCompare(b.startTimeUnixNano));
      expect(chats).toHaveLength(2);
      for (const chat of chats) {
        expect(chat).toMatchObject({ kind: 3, traceId: CLIENT_TRACE, parentSpanId: turn.spanId });
        expect(chat.attributes).toMatchObject({
          "gen_ai.system": "openai",
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": "test-model",
          "gen_ai.response.model": "test-model",
          "gen_ai.conversation.id": threadId,
          turn_id: turnId,
        });
        expect(chat.events.find((e) => e.name === "http.request")?.attributes).toMatchObject({ "http.response.status_code": 200 });
      }
      expect(chats[0]!.attributes).toMatchObject({ "gen_ai.response.finish_reasons": ["tool_calls"], "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 5 });
      expect(chats[1]!.attributes).toMatchObject({
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 30,
        "gen_ai.usage.output_tokens": 7,
        "gen_ai.usage.cache_read.input_tokens": 4,
        "gen_ai.usage.reasoning.output_tokens": 2,
      });

      const tool = one(spans, "execute_tool shell");
      expect(tool).toMatchObject({ traceId: CLIENT_TRACE, parentSpanId: turn.spanId, status: { code: 2 } });
      expect(tool.attributes).toMatchObject({
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "shell",
        "gen_ai.tool.call.id": "call_1",
        "codex.tool.decision": "approved",
        "process.exit_code": 3,
      });

      // The model backend got each request's own span as its parent.
      const sent = model.requests.map((r) => r.headers.traceparent);
      expect(sent).toEqual(chats.map((c) => `00-${CLIENT_TRACE}-${c.spanId}-01`));
      expect(model.requests[0]!.headers.tracestate).toBe("vendor=1");
    });
  });
}

describe("trace context in", () => {
  it("ignores a malformed trace field: the request succeeds and starts a new trace", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const s = await startTraced(traceToml(httpExporter(receiver, "json")));
    const bad: unknown[] = [{ traceparent: "00-zz-11-01" }, { traceparent: `00-${"0".repeat(32)}-${CLIENT_SPAN}-01` }, "nope", null, { traceparent: 7 }];
    for (const [i, trace] of bad.entries()) {
      s.send({ id: `bad-${i}`, method: "getUserAgent", trace });
      expect((await s.response(`bad-${i}`)).error).toBeUndefined();
    }
    s.send({ id: "unknown-1", method: "no/such/method", trace: { traceparent: TRACEPARENT } });
    expect((await s.response("unknown-1")).error?.code).toBe(-32601);
    expect((await s.closeStdin()).code).toBe(0);
    const agents = byName(receiver.spans, "getUserAgent");
    expect(agents).toHaveLength(bad.length);
    for (const x of agents) {
      expect(x.parentSpanId).toBeUndefined();
      expect(x.traceId).not.toBe(CLIENT_TRACE);
    }
    // Unknown methods get their span too, with the error code.
    const unknown = one(receiver.spans, "no/such/method");
    expect(unknown).toMatchObject({ traceId: CLIENT_TRACE, parentSpanId: CLIENT_SPAN, status: { code: 2 } });
    expect(unknown.attributes).toMatchObject({ "app_server.outcome": "error", "rpc.jsonrpc.error_code": -32601, "rpc.request_id": "unknown-1" });
  });

  it("a TRACEPARENT in the environment parents requests that carry no trace field (as 0.169)", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const envSpan = "c7ad6b7169203332";
    const s = await startTraced(traceToml(httpExporter(receiver, "json")), { TRACEPARENT: `00-${CLIENT_TRACE}-${envSpan}-01` });
    await s.request("getUserAgent");
    s.send({ id: "own", method: "getUserAgent", trace: { traceparent: TRACEPARENT } });
    await s.response("own");
    expect((await s.closeStdin()).code).toBe(0);
    const agents = byName(receiver.spans, "getUserAgent");
    expect(agents.map((x) => x.parentSpanId).sort()).toEqual([CLIENT_SPAN, envSpan].sort());
    expect(one(receiver.spans, "initialize").parentSpanId).toBe(envSpan);
  });

  it("follows the client's sampled flag, and trace_sampling_ratio = 0 exports no new traces", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const s = await startTraced(traceToml(httpExporter(receiver, "json"), "trace_sampling_ratio = 0"));
    s.send({ id: "sampled", method: "getUserAgent", trace: { traceparent: TRACEPARENT } });
    await s.response("sampled");
    s.send({ id: "unsampled", method: "getUserAgent", trace: { traceparent: `00-${CLIENT_TRACE.replace("0a", "0b")}-${CLIENT_SPAN}-00` } });
    await s.response("unsampled");
    await s.request("getUserAgent");
    expect((await s.closeStdin()).code).toBe(0);
    expect(receiver.spans.map((x) => [x.name, x.attributes["rpc.request_id"]])).toEqual([["getUserAgent", "sampled"]]);
  });
});

describe("turns", () => {
  it("v1: the turn sendUserMessage starts is its child; a user approval is an event of the tool span", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    model.enqueue(shellCall("call_ask"));
    model.enqueue(textTurn("ran it"));
    const s = await startTraced(traceToml(httpExporter(receiver, "json"), "", "untrusted"));
    const { conversationId } = await openConversation(s);
    s.send({ id: "say-1", method: "sendUserMessage", params: { conversationId, items: [{ type: "text", data: { text: "go" } }] }, trace: { traceparent: TRACEPARENT } });
    expect((await s.response("say-1")).error).toBeUndefined();
    const ask = await approvalRequest(s);
    s.send({ id: ask.id as number, result: { decision: "approved" } });
    await turnsEnded(s);
    expect((await s.closeStdin()).code).toBe(0);
    const request = one(receiver.spans, "sendUserMessage");
    expect(request).toMatchObject({ traceId: CLIENT_TRACE, parentSpanId: CLIENT_SPAN });
    expect(request.attributes).toMatchObject({ "app_server.api_version": "v1", "thread.id": conversationId });
    const turn = one(receiver.spans, "session_task.turn");
    expect(turn).toMatchObject({ traceId: CLIENT_TRACE, parentSpanId: request.spanId });
    expect(turn.attributes).toMatchObject({ "approval.policy": "untrusted", "turn.outcome": "completed" });
    const tool = one(receiver.spans, "execute_tool shell");
    expect(tool.parentSpanId).toBe(turn.spanId);
    expect(tool.attributes).toMatchObject({ "codex.tool.decision": "approved", "codex.tool.decision_source": "user", "process.exit_code": 3 });
    expect(tool.events.map((e) => e.name)).toEqual(["codex.approval.requested", "codex.tool_decision"]);
  });

  it("a retried model stream is one model span per attempt, each HTTP request carrying its own", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    model.enqueue(cut(textTurn("lost"), 2, "end"));
    model.enqueue(textTurn("second try"));
    const toml = traceToml(httpExporter(receiver, "json")).replace("stream_max_retries = 0", "stream_max_retries = 1");
    const s = await startTraced(toml);
    await startTurn(s, await threadStart(s), "retry me");
    await turnCompleted(s);
    expect((await s.closeStdin()).code).toBe(0);
    const attempts = byName(receiver.spans, "try_run_sampling_request").sort((a, b) => a.startTimeUnixNano.localeCompare(b.startTimeUnixNano));
    expect(attempts).toHaveLength(2);
    const [failed, retried] = attempts as [(typeof attempts)[0], (typeof attempts)[0]];
    expect(failed).toMatchObject({ parentSpanId: retried.parentSpanId, status: { code: 2, message: "Reconnecting... 1/1" } });
    expect(failed.attributes).toMatchObject({ "codex.attempt": 1 });
    expect(failed.attributes["gen_ai.response.finish_reasons"]).toBeUndefined();
    expect(failed.events.map((e) => e.name)).toEqual(["http.request", "codex.retry"]);
    expect(retried.attributes).toMatchObject({ "codex.attempt": 2, "gen_ai.response.finish_reasons": ["stop"] });
    expect(retried.events.map((e) => e.name)).toEqual(["http.request"]);
    expect(model.requests.map((r) => r.headers.traceparent)).toEqual([`00-${failed.traceId}-${failed.spanId}-01`, `00-${retried.traceId}-${retried.spanId}-01`]);
  });

  it("v2: an interrupted turn ends its model span with an error and its outcome says interrupted", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const deltas = Array.from({ length: 40 }, (_, i) => `d${i} `);
    model.enqueue(slow([created("r1"), ...messageEvents(deltas.join(""), { id: "msg_slow", deltas }), completed({}, "r1")], 200));
    const s = await startTraced(traceToml(httpExporter(receiver, "binary")));
    const threadId = await threadStart(s);
    const turnId = await startTurn(s, threadId, "slowly");
    await s.waitFor(() => s.notifications("item/agentMessage/delta")[0], 10_000, "the first delta");
    expect((await s.request("turn/interrupt", { threadId, turnId })).error).toBeUndefined();
    await turnCompleted(s);
    expect((await s.closeStdin()).code).toBe(0);
    const turn = one(receiver.spans, "session_task.turn");
    expect(turn.attributes["turn.outcome"]).toBe("interrupted");
    const chat = one(receiver.spans, "try_run_sampling_request");
    expect(chat).toMatchObject({ parentSpanId: turn.spanId, status: { code: 2, message: "interrupted" } });
  });
});

describe("MCP calls", () => {
  it("carry their tool span's context to the MCP server as params._meta.traceparent", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    model.enqueue(functionCallTurn({ callId: "call_mcp", name: "mcp__tools__trace_meta", arguments: "{}" }));
    model.enqueue(textTurn("done"));
    const s = await startTraced(traceToml(httpExporter(receiver, "json"), stdioServerToml("tools")));
    await startTurn(s, await threadStart(s), "call the tool", { traceparent: TRACEPARENT });
    await turnCompleted(s);
    expect((await s.closeStdin()).code).toBe(0);
    const tool = one(receiver.spans, "execute_tool mcp__tools__trace_meta");
    expect(tool).toMatchObject({ traceId: CLIENT_TRACE, parentSpanId: one(receiver.spans, "session_task.turn").spanId });
    const input = model.requests.at(-1)!.body.input as { type: string; call_id?: string; output?: string }[];
    const output = input.find((i) => i.type === "function_call_output" && i.call_id === "call_mcp")!.output!;
    expect(output).toContain(`00-${CLIENT_TRACE}-${tool.spanId}-01`);
  });
});

describe("content and secrets", () => {
  const prompt = "print sk-fake-123 and the-prompt-text";

  it("keeps prompt and completion text off spans unless log_user_prompt = true, and a key in a command off always", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    model.enqueue(functionCallTurn({ callId: "call_key", name: "shell", arguments: JSON.stringify({ command: ["echo", "sk-fake-123"] }) }));
    model.enqueue(textTurn("the-completion-text"));
    const s = await startTraced(traceToml(httpExporter(receiver, "json")));
    await startTurn(s, await threadStart(s), prompt);
    await turnCompleted(s);
    expect((await s.closeStdin()).code).toBe(0);
    expect(receiver.spans.length).toBeGreaterThan(0);
    const everything = JSON.stringify(receiver.spans);
    expect(everything).not.toContain("the-prompt-text");
    expect(everything).not.toContain("the-completion-text");
    expect(everything).not.toContain("sk-fake-123");
    const turn = one(receiver.spans, "session_task.turn");
    expect(turn.events.find((e) => e.name === "codex.user_prompt")?.attributes).toEqual({ prompt_length: prompt.length });
    expect(one(receiver.spans, "execute_tool shell").attributes["process.command_args"]).toEqual(["echo", "[REDACTED]"]);
  });

  it("with log_user_prompt = true carries them as gen_ai messages, secrets redacted", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    model.enqueue(textTurn("the-completion-text"));
    const s = await startTraced(traceToml(httpExporter(receiver, "binary"), "log_user_prompt = true"));
    await startTurn(s, await threadStart(s), prompt);
    await turnCompleted(s);
    expect((await s.closeStdin()).code).toBe(0);
    const chat = one(receiver.spans, "try_run_sampling_request");
    const input = JSON.parse(String(chat.attributes["gen_ai.input.messages"])) as JsonObject[];
    expect(input).toEqual([{ role: "user", parts: [{ type: "text", content: "print [REDACTED] and the-prompt-text" }] }]);
    expect(String(chat.attributes["gen_ai.output.messages"])).toContain("the-completion-text");
    expect(JSON.stringify(receiver.spans)).not.toContain("sk-fake-123");
  });
});

describe("a dead collector", () => {
  const hung: { server: Server; sockets: Socket[] }[] = [];
  afterEach(async () => {
    for (const h of hung.splice(0)) {
      for (const socket of h.sockets) socket.destroy();
      await new Promise((r) => h.server.close(r));
    }
  });

  /** Accepts connections and never answers. */
  async function hangingCollector(): Promise<{ url: string; connections: () => number }> {
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    hung.push({ server, sockets });
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/traces`, connections: () => sockets.length };
  }

  const cases: [string, () => Promise<{ url: string; connections?: () => number }>][] = [
    ["refusing connections", async () => ({ url: "http://127.0.0.1:9/v1/traces" })],
    ["accepting and never answering", hangingCollector],
  ];
  for (const [label, endpoint] of cases) {
    it(`${label}: the turn and its replies are unaffected and the process exits within 3 s of EOF`, async () => {
      const { url, connections } = await endpoint();
      model.enqueue(textTurn("fine"));
      const s = await startTraced(traceToml(`{ otlp-http = { endpoint = "${url}", protocol = "binary" } }`));
      await startTurn(s, await threadStart(s), "hello");
      await turnCompleted(s);
      // Until the batch processor has started an export that will never finish (the hung one is
      // seen connecting; the refusing one gets the batch delay).
      if (connections) await s.waitFor(() => (connections() > 0 ? true : undefined), 10_000, "the exporter to connect");
      else await new Promise((r) => setTimeout(r, 1_500));
      expect((await s.request("getUserAgent")).error).toBeUndefined();
      const { code, ms } = await s.closeStdin();
      expect(code).toBe(0);
      expect(ms).toBeLessThan(3_000);
    });
  }
});
