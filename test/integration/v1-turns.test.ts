// Turn behaviour a v1 client sees: interrupts, retries, approval decisions, and the OTEL catalog.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cut,
  functionCallTurn,
  httpError,
  manyDeltas,
  messageEvents,
  created,
  completed,
  slow,
  startFakeModelServer,
  textTurn,
  type FakeModelServer,
} from "../support/fake-model-server.js";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { approvalRequest, eventTypes, events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const shellCall = (callId: string, script: string) =>
  functionCallTurn({ callId, name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", script] }) });

describe("interrupt", () => {
  it("aborts a slow stream, answers after turn_aborted, and the next message works", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const deltas = Array.from({ length: 20 }, (_, i) => `d${i} `);
    model.enqueue(slow([created("r1"), ...messageEvents(deltas.join(""), { id: "msg_slow", deltas }), completed({}, "r1")], 300));
    model.enqueue(textTurn("after interrupt"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "go slowly");
    await s.waitFor(() => events(s, "agent_message_delta")[0], 10_000, "the first delta");
    const reply = await s.request("interruptConversation", { conversationId });
    expect(reply.result).toEqual({ abortReason: "interrupted" });
    // The answer comes after the turn_aborted event.
    const abortedAt = s.messages.findIndex((m) => m.method === "codex/event/turn_aborted");
    const replyAt = s.messages.findIndex((m) => m.id === reply.id);
    expect(abortedAt).toBeGreaterThanOrEqual(0);
    expect(abortedAt).toBeLessThan(replyAt);
    expect(events(s, "turn_aborted")).toEqual([{ type: "turn_aborted", reason: "interrupted" }]);
    expect(events(s, "task_complete")).toEqual([]);
    await say(s, conversationId, "again");
    await turnsEnded(s, 2);
    expect(events(s, "task_complete")).toEqual([{ type: "task_complete", last_agent_message: "after interrupt" }]);
  });

  it("kills a running command when the turn is interrupted", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, "", "never"));
    model.enqueue(shellCall("call_sleep", "sleep 30"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "sleep");
    await s.waitFor(() => events(s, "exec_command_begin")[0], 10_000, "the command to start");
    const t0 = Date.now();
    expect((await s.request("interruptConversation", { conversationId })).result).toEqual({ abortReason: "interrupted" });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(events(s, "turn_aborted")).toHaveLength(1);
  });
});

describe("a client that stops reading", () => {
  it("paces the turn instead of buffering it, and an interrupt still ends it", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(manyDeltas(200_000, "0123456789"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "flood me");
    await s.waitFor(() => events(s, "agent_message_delta")[0], 10_000, "the first delta");
    s.child.stdout.pause();
    await new Promise((r) => setTimeout(r, 500));
    s.send({ id: "stop", method: "interruptConversation", params: { conversationId } });
    await new Promise((r) => setTimeout(r, 300));
    s.child.stdout.resume();
    const reply = await s.response("stop", 20_000);
    expect(reply.result).toEqual({ abortReason: "interrupted" });
    expect(events(s, "turn_aborted")).toHaveLength(1);
    // Paced: far fewer than the 200,000 deltas were produced before the interrupt.
    expect(events(s, "agent_message_delta").length).toBeLessThan(150_000);
  }, 30_000);
});

describe("retries", () => {
  it("retries a 500 and a cut stream, visibly as stream_error, then completes", async () => {
    const s = await startInitialized(start, fakeProviderToml(model).replace("stream_max_retries = 0", "stream_max_retries = 2"));
    model.enqueue(httpError(500, "boom"), cut(textTurn("partial answer never completes"), 2), textTurn("finally"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "retry please");
    await turnsEnded(s);
    expect(events(s, "stream_error").map((e) => e.message)).toEqual(["Reconnecting... 1/2", "Reconnecting... 2/2"]);
    expect(events(s, "task_complete")).toEqual([{ type: "task_complete", last_agent_message: "finally" }]);
    expect(model.requests).toHaveLength(3);
  });

  it("ends the turn with an error when a cut stream cannot be retried", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(cut(textTurn("never completes"), 2));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "x");
    await turnsEnded(s);
    expect(events(s, "error")[0]?.message).toMatch(/^stream disconnected before completion/);
    expect(eventTypes(s).slice(-2)).toEqual(["error", "task_complete"]);
  });
});

describe("approval decisions", () => {
  it("approved_for_session runs the same command again without asking", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(shellCall("c1", "echo once > /dev/null; echo hi"), textTurn("one"), shellCall("c2", "echo once > /dev/null; echo hi"), textTurn("two"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "first");
    const ask = await approvalRequest(s);
    s.send({ id: ask.id as number, result: { decision: "approved_for_session" } });
    await turnsEnded(s, 1);
    await say(s, conversationId, "second");
    await turnsEnded(s, 2);
    expect(s.messages.filter((m) => m.method === "execCommandApproval")).toHaveLength(1);
    expect(events(s, "exec_command_end").map((e) => e.exit_code)).toEqual([0, 0]);
  });

  it("abort ends the turn without running the command or asking the model again", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(shellCall("c1", "echo nope > /dev/null"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "do it");
    const ask = await approvalRequest(s);
    s.send({ id: ask.id as number, result: { decision: "abort" } });
    await turnsEnded(s);
    expect(events(s, "turn_aborted")).toEqual([{ type: "turn_aborted", reason: "interrupted" }]);
    expect(events(s, "exec_command_end")).toEqual([]);
    expect(model.requests).toHaveLength(1);
  });

  it("a client error or an unreadable answer counts as denied", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(shellCall("c1", "echo a > /dev/null"), shellCall("c2", "echo b > /dev/null"), textTurn("done"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "two commands");
    const first = await approvalRequest(s, 0);
    s.send({ id: first.id as number, error: { code: -32000, message: "client refused" } });
    const second = await approvalRequest(s, 1);
    s.send({ id: second.id as number, result: { bogus: 1 } });
    await turnsEnded(s);
    expect(events(s, "exec_command_end").map((e) => e.stderr)).toEqual(["exec command rejected by user", "exec command rejected by user"]);
  });
});

describe("OTEL event catalog", () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it("exports every catalog event with the common attributes and no prompt text by default", async () => {
    const extra = `
[otel]
exporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "json" } }
metrics_exporter = { otlp-http = { endpoint = "${receiver.metricsUrl}", protocol = "json" } }
`;
    const s = await startInitialized(start, fakeProviderToml(model, extra));
    model.enqueue(shellCall("call_T", "echo secret-output > /dev/null; echo visible"), textTurn("all done"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "the secret prompt text");
    const ask = await approvalRequest(s);
    s.send({ id: ask.id as number, result: { decision: "approved" } });
    await turnsEnded(s);
    expect((await s.closeStdin()).code).toBe(0);

    const byName = (name: string) => receiver.logs.filter((l) => l.attributes["event.name"] === name);
    for (const name of ["codex.conversation_starts", "codex.user_prompt", "codex.api_request", "codex.sse_event", "codex.tool_decision", "codex.tool_result"]) {
      const found = byName(name);
      expect(found.length, name).toBeGreaterThan(0);
      for (const log of found) {
        expect(log.attributes).toMatchObject({
          "conversation.id": conversationId,
          model: "test-model",
          slug: "test-model",
          "app.version": expect.any(String),
          "event.timestamp": expect.any(String),
          originator: "v1_ide",
          "terminal.type": expect.any(String),
          auth_mode: "ApiKey",
        });
      }
    }
    expect(byName("codex.user_prompt")[0]!.attributes).toMatchObject({ prompt_length: String("the secret prompt text".length) });
    expect(JSON.stringify(receiver.logs)).not.toContain("the secret prompt text");
    expect(byName("codex.tool_decision")[0]!.attributes).toMatchObject({ tool_name: "shell", call_id: "call_T", decision: "approved", source: "User" });
    expect(byName("codex.tool_result")[0]!.attributes).toMatchObject({ tool_name: "shell", call_id: "call_T", success: "true" });
    expect(byName("codex.api_request")[0]!.attributes).toMatchObject({ attempt: "1", "http.response.status_code": "200" });
    const kinds = byName("codex.sse_event").map((l) => l.attributes["event.kind"]);
    expect(kinds).toEqual(expect.arrayContaining(["response.created", "response.output_text.delta", "response.completed"]));
    const metricNames = new Set(receiver.metrics.map((m) => m.name));
    for (const name of ["codex.thread.started", "codex.conversation.turn.count", "codex.tool.call", "codex.approval.requested", "codex.api_request", "codex.sse_event", "codex.turn.e2e_duration_ms", "codex.tool.call.duration_ms", "codex.api_request.duration_ms"]) {
      expect(metricNames.has(name), name).toBe(true);
    }
    const toolCall = receiver.metrics.find((m) => m.name === "codex.tool.call")!;
    expect(toolCall.attributes).toMatchObject({ tool: "shell", success: "true", model: "test-model", originator: "v1_ide" });
  });

  it("includes the prompt when log_user_prompt = true", async () => {
    const extra = `
[otel]
log_user_prompt = true
exporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "binary" } }
`;
    const s = await startInitialized(start, fakeProviderToml(model, extra));
    model.enqueue(textTurn("ok"));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "please log me");
    await turnsEnded(s);
    await s.closeStdin();
    const prompt = receiver.logs.find((l) => l.attributes["event.name"] === "codex.user_prompt");
    expect(prompt?.attributes).toMatchObject({ prompt: "please log me", prompt_length: "13" });
  });
});
