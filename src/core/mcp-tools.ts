// A conversation's view of the process's MCP servers: before a turn talks to the model it waits
// for servers still starting (each at most its startup timeout), tells the conversation how their
// startup went (once, and again after a reload), and offers their tools; it runs the model's calls
// of those tools and reports them as mcpToolCall events.
import type { McpManager, ResolvedTool } from "../mcp/connection-manager.js";
import { callErrorOutput, callOutput, parseMcpArguments, type McpCallOutput } from "../mcp/call-output.js";
import type { ToolSpec } from "../model/types.js";
import type { AskForApproval } from "../protocol/config.js";
import type { ApprovalDecision } from "./approval-policy.js";
import type { CoreEvent } from "./events.js";
import type { W3cTraceContext } from "./turn-runner.js";
import { mcpApprovalQuestion, requiresMcpToolApproval } from "../mcp/tool-approval.js";

export interface McpCallPolicy {
  approvalPolicy: AskForApproval;
  /** Telemetry's codex.tool_decision for the call. */
  decision(decision: ApprovalDecision, source: "config" | "user"): void;
  /** The call's span, passed on to the server (params._meta.traceparent) so its spans join the trace. */
  trace?: W3cTraceContext | undefined;
}

const REJECTED = "user rejected MCP tool call";

export interface McpTurnTools {
  /** Waits for startup (reporting it) and returns the tool specs to offer this turn. */
  prepare(turnId: string, emit: (event: CoreEvent) => void, signal: AbortSignal): Promise<ToolSpec[]>;
  handles(name: string): boolean;
  run(
    turnId: string,
    callId: string,
    name: string,
    args: string,
    emit: (event: CoreEvent) => void,
    signal: AbortSignal,
    policy: McpCallPolicy,
  ): Promise<McpCallOutput>;
}

export function conversationMcp(manager: McpManager, threadId: string): McpTurnTools {
  let reportedGeneration = -1;
  let tools = new Map<string, ResolvedTool>();
  return {
    async prepare(turnId, emit, signal) {
      if (!manager.hasServers) return [];
      if (reportedGeneration !== manager.generation) {
        reportedGeneration = manager.generation;
        await reportStartup(manager, turnId, emit, signal);
      } else {
        await untilAborted(manager.startAll(), signal);
      }
      tools = manager.qualifiedTools();
      return manager.toolSpecs();
    },
    handles: (name) => tools.has(name),
    async run(turnId, callId, name, argsText, emit, signal, policy) {
      const resolved = tools.get(name);
      if (!resolved) return callErrorOutput(`unknown MCP tool ${name}`);
      const parsed = parseMcpArguments(argsText);
      if ("error" in parsed) return callErrorOutput(parsed.error);
      const invocation = { server: resolved.server, tool: resolved.tool.name, arguments: parsed.args ?? null };
      // Tools that say they change things ask first, unless the policy never asks.
      if (policy.approvalPolicy !== "never" && requiresMcpToolApproval(resolved.tool.annotations)) {
        const question = mcpApprovalQuestion(resolved.server, resolved.tool);
        const approved = await manager.askToolApproval(resolved.server, resolved.tool.name, question, { threadId, turnId }, signal);
        if (signal.aborted) throw signal.reason;
        policy.decision(approved ? "approved" : "denied", "user");
        if (!approved) {
          emit({ type: "mcpToolCallBegin", turnId, callId, ...invocation });
          emit({ type: "mcpToolCallEnd", turnId, callId, ...invocation, durationMs: 0, outcome: { error: REJECTED } });
          return callErrorOutput(REJECTED);
        }
      } else {
        policy.decision("approved", "config");
      }
      emit({ type: "mcpToolCallBegin", turnId, callId, ...invocation });
      const started = performance.now();
      try {
        const result = await manager.callTool(resolved.server, resolved.tool.name, parsed.args, { threadId, turnId }, {
          signal,
          onProgress: (message) => emit({ type: "mcpToolCallProgress", turnId, callId, message }),
          ...(policy.trace ? { trace: policy.trace } : {}),
        });
        emit({ type: "mcpToolCallEnd", turnId, callId, ...invocation, durationMs: performance.now() - started, outcome: { result } });
        return callOutput(result);
      } catch (error) {
        if (signal.aborted) throw error;
        const message = error instanceof Error ? error.message : String(error);
        emit({ type: "mcpToolCallEnd", turnId, callId, ...invocation, durationMs: performance.now() - started, outcome: { error: message } });
        return callErrorOutput(message);
      }
    },
  };
}

async function reportStartup(manager: McpManager, turnId: string, emit: (event: CoreEvent) => void, signal: AbortSignal): Promise<void> {
  const stop = manager.onStatus((server, status) => emit({ type: "mcpStartupUpdate", turnId, server, status }));
  try {
    for (const config of manager.configured) {
      const connection = manager.connection(config.name);
      if (connection) emit({ type: "mcpStartupUpdate", turnId, server: config.name, status: connection.status });
    }
    await untilAborted(manager.startAll(), signal);
  } finally {
    stop();
  }
  if (signal.aborted) return;
  const summary = { ready: [] as string[], failed: [] as { server: string; error: string }[], cancelled: [] as string[] };
  for (const config of manager.configured) {
    const status = manager.connection(config.name)?.status;
    if (status?.state === "ready") summary.ready.push(config.name);
    else if (status?.state === "failed") summary.failed.push({ server: config.name, error: status.error });
    else if (status?.state === "cancelled") summary.cancelled.push(config.name);
  }
  emit({ type: "mcpStartupComplete", turnId, ...summary });
}

function untilAborted(work: Promise<unknown>, signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve();
  return Promise.race([work, new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
}
