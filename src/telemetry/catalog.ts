// Every telemetry name this server emits, in one place (README.md lists them for operators).
import type { DispatchReport } from "../rpc/router.js";
import { scrubSecrets } from "../logging/redact.js";
import { telemetry } from "./telemetry.js";

export const MetricName = {
  /** Counter: one per JSON-RPC request handled. Attributes: method, outcome, error.code, originator. */
  requests: "codex.app_server.requests",
  /** Histogram (ms): time from dispatch to reply. Same attributes. */
  requestDuration: "codex.app_server.request.duration_ms",
} as const;

export const EventName = {
  /** A client completed `initialize`: client.name, client.version, user_agent. */
  clientInitialized: "codex.app_server.initialize",
} as const;

export function recordRequest(report: DispatchReport): void {
  if (!telemetry.enabled) return;
  const attributes = { method: report.method, outcome: report.outcome, "error.code": report.code };
  telemetry.count(MetricName.requests, attributes);
  telemetry.histogram(MetricName.requestDuration, report.durationMs, attributes);
}

export function recordClientInitialized(client: { name: string; version: string; title?: string | null }, userAgent: string): void {
  telemetry.event(EventName.clientInitialized, {
    "client.name": client.name,
    "client.version": client.version,
    "client.title": client.title ?? undefined,
    user_agent: userAgent,
  });
}

/** Conversation-level event names (the reference's catalog) and metric names (later Codex's). */
export const ConversationEvent = {
  conversationStarts: "codex.conversation_starts",
  userPrompt: "codex.user_prompt",
  apiRequest: "codex.api_request",
  sseEvent: "codex.sse_event",
  toolDecision: "codex.tool_decision",
  toolResult: "codex.tool_result",
} as const;

export const ConversationMetric = {
  threadStarted: "codex.thread.started",
  turnCount: "codex.conversation.turn.count",
  turnDuration: "codex.turn.e2e_duration_ms",
  toolCall: "codex.tool.call",
  toolCallDuration: "codex.tool.call.duration_ms",
  approvalRequested: "codex.approval.requested",
  apiRequest: "codex.api_request",
  apiRequestDuration: "codex.api_request.duration_ms",
  sseEvent: "codex.sse_event",
} as const;

export interface ConversationAttributes {
  conversationId: string;
  model: string;
  authMode?: string;
  accountId?: string;
  terminalType: string;
}

/** Emitters bound to one conversation's common attributes; values are strings, as 0.90 exports them. */
export function conversationTelemetry(base: ConversationAttributes, logUserPrompt: boolean) {
  const common = {
    "conversation.id": base.conversationId,
    "terminal.type": base.terminalType,
    model: base.model,
    slug: base.model,
    auth_mode: base.authMode,
    "user.account_id": base.accountId,
  };
  const metric = { model: base.model, auth_mode: base.authMode };
  const event = (name: string, attrs: Record<string, string | number | boolean | undefined>) =>
    telemetry.enabled && telemetry.event(name, { ...common, ...attrs });
  return {
    conversationStarts(attrs: { providerName: string; approvalPolicy: string; sandboxPolicy: string; reasoningEffort?: string; reasoningSummary: string }) {
      event(ConversationEvent.conversationStarts, {
        provider_name: attrs.providerName,
        approval_policy: attrs.approvalPolicy,
        sandbox_policy: attrs.sandboxPolicy,
        reasoning_effort: attrs.reasoningEffort,
        reasoning_summary: attrs.reasoningSummary,
        mcp_servers: "",
      });
      telemetry.count(ConversationMetric.threadStarted, metric);
    },
    userPrompt(text: string) {
      event(ConversationEvent.userPrompt, { prompt_length: String(text.length), ...(logUserPrompt ? { prompt: text } : {}) });
    },
    apiRequest(r: { attempt: number; durationMs: number; status?: number; error?: string }) {
      if (!telemetry.enabled) return;
      event(ConversationEvent.apiRequest, {
        attempt: String(r.attempt),
        duration_ms: String(Math.round(r.durationMs)),
        "http.response.status_code": r.status !== undefined ? String(r.status) : undefined,
        "error.message": r.error,
      });
      telemetry.count(ConversationMetric.apiRequest, { ...metric, status: String(r.status ?? "error") });
      telemetry.histogram(ConversationMetric.apiRequestDuration, r.durationMs, metric);
    },
    sseEvent(r: { kind: string; durationMs: number; error?: string; usage?: { input_tokens: number; output_tokens: number; cached_input_tokens: number; reasoning_output_tokens: number; total_tokens: number } }) {
      // Called for every streamed delta: nothing to build when telemetry is off.
      if (!telemetry.enabled) return;
      event(ConversationEvent.sseEvent, {
        "event.kind": r.kind,
        duration_ms: String(Math.round(r.durationMs)),
        "error.message": r.error,
        ...(r.usage
          ? {
              input_token_count: String(r.usage.input_tokens),
              output_token_count: String(r.usage.output_tokens),
              cached_token_count: String(r.usage.cached_input_tokens),
              reasoning_token_count: String(r.usage.reasoning_output_tokens),
              tool_token_count: String(r.usage.total_tokens - r.usage.input_tokens - r.usage.output_tokens),
            }
          : {}),
      });
      telemetry.count(ConversationMetric.sseEvent, { ...metric, kind: r.kind });
    },
    toolDecision(tool: string, callId: string, decision: string, source: "config" | "user") {
      event(ConversationEvent.toolDecision, { tool_name: tool, call_id: callId, decision, source: source === "user" ? "User" : "Config" });
      if (source === "user") telemetry.count(ConversationMetric.approvalRequested, { ...metric, kind: "exec" });
    },
    toolResult(tool: string, callId: string, args: string, durationMs: number, success: boolean, output: string) {
      // Scrubbing a large output costs: only when it is exported.
      if (!telemetry.enabled) return;
      event(ConversationEvent.toolResult, {
        tool_name: tool,
        call_id: callId,
        // As the tool span: a command line or its output can hold a configured secret.
        arguments: scrubSecrets(args),
        duration_ms: String(Math.round(durationMs)),
        success: String(success),
        output: scrubSecrets(output),
      });
      telemetry.count(ConversationMetric.toolCall, { ...metric, tool, success: String(success) });
      telemetry.histogram(ConversationMetric.toolCallDuration, durationMs, { ...metric, tool });
    },
    turnEnded(durationMs: number) {
      telemetry.count(ConversationMetric.turnCount, metric);
      telemetry.histogram(ConversationMetric.turnDuration, durationMs, metric);
    },
  };
}
