// Maps the core event stream to v1 `codex/event/<type>` messages (snake_case EventMsg fields, as the
// reference sends them). Pure: one core event in, zero or more msgs out.
import type { CoreEvent } from "../../core/events.js";
import { emptyRateLimits, v1RateLimits } from "../../model/rate-limits.js";
import type { FailureKind } from "../../model/types.js";
import type { RateLimitSnapshot } from "../../protocol/v2/account.js";

export type EventMsg = { type: string } & Record<string, unknown>;

/** The v1 spelling of a failure kind: snake_case, e.g. `{ http_connection_failed: { http_status_code } }`. */
export function v1ErrorInfo(info: FailureKind): unknown {
  const name = info.kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return "httpStatusCode" in info ? { [name]: { http_status_code: info.httpStatusCode } } : name;
}

function invocation(event: { server: string; tool: string; arguments: unknown }) {
  return { server: event.server, tool: event.tool, arguments: event.arguments };
}

/** A duration as Rust's serde writes std::time::Duration. */
function rustDuration(ms: number) {
  const nanosTotal = Math.max(0, Math.round(ms * 1e6));
  return { secs: Math.floor(nanosTotal / 1e9), nanos: nanosTotal % 1e9 };
}

/** `rateLimits`: what the last model response's headers said (0.90's token_count carries it). */
export function toEventMsgs(event: CoreEvent, conversationId: string, rateLimits: RateLimitSnapshot = emptyRateLimits()): EventMsg[] {
  const thread = { thread_id: conversationId, turn_id: event.turnId };
  switch (event.type) {
    case "turnStarted":
      return [{ type: "task_started", model_context_window: event.modelContextWindow }];
    case "userMessage": {
      const item = {
        type: "UserMessage",
        id: event.itemId,
        content: [{ type: "text", text: event.message, text_elements: [] }],
      };
      return [
        { type: "item_started", ...thread, item },
        { type: "item_completed", ...thread, item },
        { type: "user_message", message: event.message, images: event.images, local_images: event.localImages, text_elements: [] },
      ];
    }
    case "tokenCount":
      return [
        {
          type: "token_count",
          info: event.info
            ? {
                total_token_usage: event.info.total,
                last_token_usage: event.info.last,
                model_context_window: event.info.modelContextWindow,
              }
            : null,
          rate_limits: v1RateLimits(rateLimits),
        },
      ];
    case "agentMessageStarted":
      return [{ type: "item_started", ...thread, item: { type: "AgentMessage", id: event.itemId, content: [] } }];
    case "agentMessageDelta":
      return [
        { type: "agent_message_content_delta", ...thread, item_id: event.itemId, delta: event.delta },
        { type: "agent_message_delta", delta: event.delta },
      ];
    case "agentMessageCompleted":
      return [
        { type: "item_completed", ...thread, item: { type: "AgentMessage", id: event.itemId, content: [{ type: "Text", text: event.text }] } },
        { type: "agent_message", message: event.text },
      ];
    case "reasoningStarted":
      return [{ type: "item_started", ...thread, item: { type: "Reasoning", id: event.itemId, summary_text: [], raw_content: [] } }];
    case "reasoningSummaryPartAdded":
      return [{ type: "agent_reasoning_section_break", item_id: event.itemId, summary_index: event.summaryIndex }];
    case "reasoningSummaryDelta":
      return [{ type: "agent_reasoning_delta", delta: event.delta }];
    case "reasoningTextDelta":
      return [{ type: "agent_reasoning_raw_content_delta", delta: event.delta }];
    case "reasoningCompleted":
      return [
        {
          type: "item_completed",
          ...thread,
          item: { type: "Reasoning", id: event.itemId, summary_text: event.summary, raw_content: event.content },
        },
        ...event.summary.map((text) => ({ type: "agent_reasoning", text })),
      ];
    case "execBegin":
      return [
        { type: "exec_command_begin", call_id: event.callId, turn_id: event.turnId, command: event.command, cwd: event.cwd, parsed_cmd: event.parsedCmd, source: "agent" },
      ];
    case "execApprovalRequest":
      return [
        {
          type: "exec_approval_request",
          call_id: event.callId,
          turn_id: event.turnId,
          command: event.command,
          cwd: event.cwd,
          reason: event.reason,
          proposed_execpolicy_amendment: event.command,
          parsed_cmd: event.parsedCmd,
        },
      ];
    case "execOutputDelta":
      return [{ type: "exec_command_output_delta", call_id: event.callId, stream: event.stream, chunk: event.chunk.toString("base64") }];
    case "execEnd": {
      const ms = event.outcome.durationMs;
      return [
        {
          type: "exec_command_end",
          call_id: event.callId,
          turn_id: event.turnId,
          command: event.command,
          cwd: event.cwd,
          parsed_cmd: event.parsedCmd,
          source: "agent",
          stdout: event.outcome.stdout,
          stderr: event.outcome.stderr,
          aggregated_output: event.outcome.aggregatedOutput,
          exit_code: event.outcome.exitCode,
          duration: { secs: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) },
          formatted_output: event.outcome.formattedOutput,
        },
      ];
    }
    case "patchApprovalRequest":
      return [
        { type: "apply_patch_approval_request", call_id: event.callId, turn_id: event.turnId, changes: event.changes, reason: event.reason, grant_root: event.grantRoot },
      ];
    case "patchApplyBegin":
      return [{ type: "patch_apply_begin", call_id: event.callId, turn_id: event.turnId, auto_approved: event.autoApproved, changes: event.changes }];
    case "patchApplyEnd":
      // 0.90 ends a declined patch with its tool output only; v2 shows it as a declined item.
      if (event.status === "declined") return [];
      return [
        {
          type: "patch_apply_end",
          call_id: event.callId,
          turn_id: event.turnId,
          stdout: event.stdout,
          stderr: event.stderr,
          success: event.success,
          changes: event.changes,
        },
      ];
    case "turnDiff":
      return [{ type: "turn_diff", unified_diff: event.unifiedDiff }];
    case "mcpStartupUpdate":
      return [{ type: "mcp_startup_update", server: event.server, status: event.status }];
    case "mcpStartupComplete":
      return [{ type: "mcp_startup_complete", ready: event.ready, failed: event.failed, cancelled: event.cancelled }];
    case "mcpToolCallBegin":
      return [{ type: "mcp_tool_call_begin", call_id: event.callId, invocation: invocation(event) }];
    case "mcpToolCallProgress":
      return [];
    case "mcpToolCallEnd":
      return [
        {
          type: "mcp_tool_call_end",
          call_id: event.callId,
          invocation: invocation(event),
          duration: rustDuration(event.durationMs),
          result: "result" in event.outcome ? { Ok: event.outcome.result } : { Err: event.outcome.error },
        },
      ];
    case "planUpdate":
      return [{ type: "plan_update", explanation: event.explanation, plan: event.plan }];
    case "streamError":
      return [
        {
          type: "stream_error",
          message: event.message,
          codex_error_info: { response_stream_disconnected: { http_status_code: null } },
          additional_details: null,
        },
      ];
    case "error":
      return [{ type: "error", message: event.message, codex_error_info: v1ErrorInfo(event.info) }];
    // Reviews are started through v2's review/start only; v1 clients see the turn's messages.
    case "reviewModeEntered":
    case "reviewModeExited":
      return [];
    case "turnComplete":
      return [{ type: "task_complete", last_agent_message: event.lastAgentMessage }];
    case "turnAborted":
      return [{ type: "turn_aborted", reason: event.reason }];
    case "contextCompactionStarted":
      return [];
    case "contextCompacted":
      return [{ type: "context_compacted" }];
    case "warning":
      return [{ type: "warning", message: event.message }];
  }
}
