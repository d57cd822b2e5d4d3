// The spans of a turn: `session_task.turn` (0.169's name) under the request that started it, and
// under it one span per model request attempt (`try_run_sampling_request`, 0.169's name) and per
// tool call (`execute_tool <name>`), attributed per the OpenTelemetry GenAI conventions so trace backends show each
// conversation with its model, tokens and tools. Built by observing the turn (its events, its
// model client, its tool hooks): the turn loop itself knows nothing of tracing.
// Prompt and completion text go on spans only with `log_user_prompt = true`, and secrets never do.
import type { CoreEvent } from "../core/events.js";
import type { ToolTelemetry, TurnSettings } from "../core/turn-runner.js";
import { scrubSecrets } from "../logging/redact.js";
import type { ApiRequestReport } from "../model/responses-client.js";
import type { ModelClient, ModelEvent, ModelRequest, TokenUsage } from "../model/types.js";
import { originator } from "../originator.js";
import { sandboxModeOf } from "../sandbox/policy.js";
import { formatTraceparent } from "./trace-context.js";
import { tracing, type SpanHandle } from "./tracing.js";

/** 0.169's name for the span of one model request attempt. */
export const MODEL_SPAN_NAME = "try_run_sampling_request";

export interface TurnTrace {
  /** Sees every event of the turn (outcome, approvals, exec begin/end, usage). */
  observe(event: CoreEvent): void;
  /** The conversation's client, with a span and a traceparent per model request. */
  client(inner: ModelClient): ModelClient;
  tools(inner: ToolTelemetry): ToolTelemetry;
  /** The turn is over (or never ran). */
  end(): void;
}

export interface ConversationTraceInfo {
  threadId: string;
  provider: string;
  logUserPrompt: boolean;
}

/** Per conversation: opens turn traces, and routes HTTP attempt reports to the live model span. */
export function conversationTraces(info: ConversationTraceInfo) {
  let liveModelSpan: SpanHandle | undefined;
  return {
    /** Undefined when tracing is off. Call where the turn is submitted: the request is current. */
    startTurn(turnId: string, settings: TurnSettings, prompt: string): TurnTrace | undefined {
      if (!tracing.enabled) return undefined;
      return turnTrace(info, turnId, settings, prompt, (span) => (liveModelSpan = span));
    },
    apiRequest(r: ApiRequestReport): void {
      liveModelSpan?.event("http.request", {
        attempt: r.attempt,
        "http.response.status_code": r.status,
        duration_ms: Math.round(r.durationMs),
        "error.message": r.error,
      });
    },
  };
}

function turnTrace(
  info: ConversationTraceInfo,
  turnId: string,
  settings: TurnSettings,
  prompt: string,
  setLiveModelSpan: (span: SpanHandle | undefined) => void,
): TurnTrace {
  const content = info.logUserPrompt;
  const turn = tracing.start("session_task.turn", "internal", tracing.requestFor(info.threadId)?.context, {
    "thread.id": info.threadId,
    "turn.id": turnId,
    model: settings.model,
    "model.provider": info.provider,
    "approval.policy": settings.approvalPolicy,
    "sandbox.policy": sandboxModeOf(settings.sandboxPolicy),
    originator: originator(),
    "gen_ai.conversation.id": info.threadId,
    "gen_ai.request.model": settings.model,
  });
  turn.event("codex.user_prompt", { prompt_length: prompt.length, ...(content ? { prompt: scrubSecrets(prompt) } : {}) });
  const tools = new Map<string, SpanHandle>();
  const totals = { input: 0, output: 0, cached: 0, reasoning: 0 };
  let failure: string | undefined;
  // Until the turn says otherwise: one closed before it started never ran.
  let outcome = "not_started";

  const toolSpan = (name: string, callId: string, startMs?: number): SpanHandle => {
    let span = tools.get(callId);
    if (!span) {
      span = tracing.start(`execute_tool ${name}`, "internal", turn.context, toolAttributes(name, callId), startMs);
      tools.set(callId, span);
    }
    return span;
  };

  return {
    observe(event) {
      // The user's own command (thread/shellCommand) running inside the turn is no tool call of the model.
      if ((event.type === "execBegin" || event.type === "execEnd") && event.source === "userShell") return;
      switch (event.type) {
        case "execBegin":
          // The model wrote the command: it may hold a key.
          toolSpan("shell", event.callId).set({ "process.command_args": event.command.map(scrubSecrets), "process.working_directory": event.cwd });
          return;
        case "execApprovalRequest":
          toolSpan("shell", event.callId).event("codex.approval.requested", { reason: event.reason === null ? undefined : scrubSecrets(event.reason) });
          return;
        case "execEnd":
          toolSpan("shell", event.callId).set({ "process.exit_code": event.outcome.exitCode, "codex.tool.status": event.status });
          return;
        case "tokenCount":
          if (event.info) addUsage(totals, event.info.last);
          return;
        case "error":
          outcome = "failed";
          failure = scrubSecrets(event.message);
          return;
        case "turnComplete":
          if (outcome !== "failed") outcome = "completed";
          return;
        case "turnAborted":
          outcome = "interrupted";
          return;
      }
    },
    client(inner) {
      return {
        stream: (request, signal) => tracedStream(inner, request, signal, { span: turn, turnId }, info, content, setLiveModelSpan),
      };
    },
    tools(inner) {
      return {
        decision(tool, callId, decision, source) {
          inner.decision(tool, callId, decision, source);
          toolSpan(tool, callId).set({ "codex.tool.decision": decision, "codex.tool.decision_source": source });
          toolSpan(tool, callId).event("codex.tool_decision", { decision, source });
        },
        result(tool, callId, args, durationMs, success, output) {
          inner.result(tool, callId, args, durationMs, success, output);
          const span = toolSpan(tool, callId, Date.now() - durationMs);
          tools.delete(callId);
          span.set({ "codex.tool.success": success, duration_ms: Math.round(durationMs) });
          if (content) span.set({ "gen_ai.tool.call.arguments": scrubSecrets(args), "gen_ai.tool.call.result": scrubSecrets(output) });
          span.end(success ? undefined : { error: "tool call failed" });
        },
        traceContext(tool, callId) {
          const { context } = toolSpan(tool, callId);
          return { traceparent: formatTraceparent(context), ...(context.traceState ? { tracestate: context.traceState } : {}) };
        },
      };
    },
    end() {
      // Calls cut short by an interrupt end with the turn.
      for (const span of tools.values()) span.end({ error: "interrupted" });
      tools.clear();
      turn.set({
        "turn.outcome": outcome,
        // 0.169's names for the turn's usage, then the GenAI ones.
        "codex.turn.token_usage.input_tokens": totals.input,
        "codex.turn.token_usage.cached_input_tokens": totals.cached,
        "codex.turn.token_usage.output_tokens": totals.output,
        "codex.turn.token_usage.reasoning_output_tokens": totals.reasoning,
        "gen_ai.usage.input_tokens": totals.input,
        "gen_ai.usage.output_tokens": totals.output,
        "gen_ai.usage.cache_read.input_tokens": totals.cached,
        "gen_ai.usage.reasoning.output_tokens": totals.reasoning,
      });
      turn.end(failure !== undefined ? { error: failure } : undefined);
    },
  };
}

function toolAttributes(name: string, callId: string) {
  return {
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": name,
    "gen_ai.tool.call.id": callId,
    "gen_ai.tool.type": "function",
  };
}

function addUsage(totals: { input: number; output: number; cached: number; reasoning: number }, usage: TokenUsage): void {
  totals.input += usage.input_tokens;
  totals.output += usage.output_tokens;
  totals.cached += usage.cached_input_tokens;
  totals.reasoning += usage.reasoning_output_tokens;
}

/**
 * One span per attempt of a model request, named as 0.169's `try_run_sampling_request` (a stream
 * retry ends one and starts the next; its HTTP retries are events of it); each attempt's HTTP
 * requests carry its context as traceparent. A plain iterator rather than an async generator: it
 * adds one promise per streamed event, not three.
 */
function tracedStream(
  inner: ModelClient,
  request: ModelRequest,
  signal: AbortSignal,
  turn: { span: SpanHandle; turnId: string },
  info: ConversationTraceInfo,
  content: boolean,
  setLive: (span: SpanHandle | undefined) => void,
): AsyncIterable<ModelEvent> {
  // The model client reads this object's fields at every HTTP attempt, so pointing it at the
  // current attempt's span is enough for the next request to carry it.
  const trace: { traceparent: string; tracestate?: string } = { traceparent: "" };
  const traced: ModelRequest = { ...request, trace };
  let span!: SpanHandle;
  let toolCalls = 0;
  let completion: string[] = [];
  let ended = false;

  const startAttempt = (attempt: number): void => {
    span = tracing.start(MODEL_SPAN_NAME, "client", turn.span.context, {
      "gen_ai.operation.name": "chat",
      "gen_ai.system": "openai",
      "gen_ai.provider.name": info.provider,
      "gen_ai.request.model": request.model,
      "gen_ai.conversation.id": info.threadId,
      "gen_ai.request.tool_count": request.tools.length,
      // As on 0.169's try_run_sampling_request span.
      model: request.model,
      turn_id: turn.turnId,
      "codex.attempt": attempt,
    });
    if (content) span.set({ "gen_ai.input.messages": scrubSecrets(JSON.stringify(lastUserMessage(request))) });
    trace.traceparent = formatTraceparent(span.context);
    if (span.context.traceState) trace.tracestate = span.context.traceState;
    setLive(span);
    // What the failed attempt streamed is discarded by the turn, and so here.
    toolCalls = 0;
    completion = [];
  };
  startAttempt(1);

  const see = (event: ModelEvent): void => {
    if (event.type === "retrying") {
      span.event("codex.retry", { attempt: event.attempt, max: event.max, message: event.message });
      span.end({ error: event.message });
      startAttempt(event.attempt + 1);
    } else if (event.type === "output_item_done") {
      if (event.item.type === "function_call") toolCalls++;
      else if (content && event.item.type === "message" && event.item.role === "assistant") {
        completion.push(event.item.content.map((c) => (c.type === "output_text" ? c.text : "")).join(""));
      }
    } else if (event.type === "completed") {
      span.set({
        "gen_ai.response.id": event.responseId || undefined,
        "gen_ai.response.model": event.model ?? request.model,
        "gen_ai.response.finish_reasons": [toolCalls > 0 ? "tool_calls" : "stop"],
        ...(event.usage
          ? {
              "gen_ai.usage.input_tokens": event.usage.input_tokens,
              "gen_ai.usage.output_tokens": event.usage.output_tokens,
              "gen_ai.usage.cache_read.input_tokens": event.usage.cached_input_tokens,
              "gen_ai.usage.reasoning.output_tokens": event.usage.reasoning_output_tokens,
              "codex.usage.reasoning_output_tokens": event.usage.reasoning_output_tokens,
              "codex.usage.total_tokens": event.usage.total_tokens,
            }
          : {}),
      });
    }
  };
  const finish = (error?: unknown): void => {
    if (ended) return;
    ended = true;
    setLive(undefined);
    if (content && completion.length > 0) {
      span.set({ "gen_ai.output.messages": scrubSecrets(JSON.stringify([{ role: "assistant", parts: completion.map((text) => ({ type: "text", content: text })) }])) });
    }
    if (error === undefined) span.end();
    else span.end({ error: signal.aborted ? "interrupted" : scrubSecrets(error instanceof Error ? error.message : String(error)) });
  };

  return {
    [Symbol.asyncIterator]() {
      const it = inner.stream(traced, signal)[Symbol.asyncIterator]();
      return {
        next: () =>
          it.next().then(
            (r) => {
              if (r.done) finish();
              else see(r.value);
              return r;
            },
            (error: unknown) => {
              finish(error);
              throw error;
            },
          ),
        // The turn stopped reading (an interrupt): the request ends here.
        return: async (value?: unknown) => {
          finish(signal.aborted ? new Error("interrupted") : undefined);
          return it.return ? it.return(value) : { done: true as const, value: undefined };
        },
      };
    },
  };
}

function lastUserMessage(request: ModelRequest) {
  for (let i = request.input.length - 1; i >= 0; i--) {
    const item = request.input[i]!;
    if (item.type === "message" && item.role === "user") {
      const parts = item.content.flatMap((c) => (c.type === "input_text" ? [{ type: "text", content: c.text }] : []));
      return [{ role: "user", parts }];
    }
  }
  return [];
}
