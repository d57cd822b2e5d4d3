import { describe, expect, it } from "vitest";
import type { CoreEvent } from "../../src/core/events.js";
import { toEventMsgs } from "../../src/server/v1/event-mapping.js";

const conv = "c-1";

describe("v1 event mapping", () => {
  it("maps a text turn to the reference's EventMsg sequence", () => {
    const types: CoreEvent[] = [
      { type: "turnStarted", turnId: "0", modelContextWindow: null },
      { type: "userMessage", turnId: "0", itemId: "u1", message: "hi", images: [], localImages: [], textElements: [] },
      { type: "tokenCount", turnId: "0", info: null },
      { type: "agentMessageStarted", turnId: "0", itemId: "msg_1" },
      { type: "agentMessageDelta", turnId: "0", itemId: "msg_1", delta: "Hel" },
      { type: "agentMessageCompleted", turnId: "0", itemId: "msg_1", text: "Hello" },
      { type: "turnComplete", turnId: "0", lastAgentMessage: "Hello" },
    ];
    const msgs = types.flatMap((e) => toEventMsgs(e, conv));
    expect(msgs.map((m) => m.type)).toEqual([
      "task_started",
      "item_started",
      "item_completed",
      "user_message",
      "token_count",
      "item_started",
      "agent_message_content_delta",
      "agent_message_delta",
      "item_completed",
      "agent_message",
      "task_complete",
    ]);
    expect(msgs[3]).toEqual({ type: "user_message", message: "hi", images: [], local_images: [], text_elements: [] });
    expect(msgs[6]).toEqual({ type: "agent_message_content_delta", thread_id: conv, turn_id: "0", item_id: "msg_1", delta: "Hel" });
    expect(msgs[9]).toEqual({ type: "agent_message", message: "Hello" });
    expect(msgs[10]).toEqual({ type: "task_complete", last_agent_message: "Hello" });
  });

  it("maps token usage, exec end and errors with snake_case fields", () => {
    const usage = { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 };
    expect(toEventMsgs({ type: "tokenCount", turnId: "0", info: { total: usage, last: usage, modelContextWindow: null } }, conv)).toEqual([
      {
        type: "token_count",
        info: { total_token_usage: usage, last_token_usage: usage, model_context_window: null },
        rate_limits: { primary: null, secondary: null, credits: null, plan_type: null },
      },
    ]);
    const [end] = toEventMsgs(
      {
        type: "execEnd",
        turnId: "0",
        callId: "call_A",
        command: ["echo", "hi"],
        cwd: "/w",
        parsedCmd: [{ type: "unknown", cmd: "echo hi" }],
        outcome: { stdout: "hi\n", stderr: "", aggregatedOutput: "hi\n", exitCode: 0, durationMs: 1234.5, formattedOutput: "hi\n" },
        status: "completed",
      },
      conv,
    );
    expect(end).toMatchObject({ type: "exec_command_end", exit_code: 0, duration: { secs: 1, nanos: 234_500_000 }, aggregated_output: "hi\n" });
    expect(toEventMsgs({ type: "error", turnId: "1", message: "bad", info: { kind: "badRequest" } }, conv)).toEqual([
      { type: "error", message: "bad", codex_error_info: "bad_request" },
    ]);
    const refused = { kind: "httpConnectionFailed", httpStatusCode: null } as const;
    expect(toEventMsgs({ type: "error", turnId: "1", message: "down", info: refused }, conv)).toEqual([
      { type: "error", message: "down", codex_error_info: { http_connection_failed: { http_status_code: null } } },
    ]);
    expect(toEventMsgs({ type: "execOutputDelta", turnId: "0", callId: "c", stream: "stdout", chunk: Buffer.from("hi") }, conv)).toEqual([
      { type: "exec_command_output_delta", call_id: "c", stream: "stdout", chunk: Buffer.from("hi").toString("base64") },
    ]);
  });
});
