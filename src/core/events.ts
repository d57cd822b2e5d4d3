// The one internal event stream a conversation emits. Protocol faces (v1 codex/event/*, later v2
// item/* and turn/*) map it; nothing here knows a wire shape.
import type { FailureKind, TokenUsage } from "../model/types.js";
import type { V1FileChange } from "../tools/apply-patch/index.js";
import type { ParsedCommand } from "../tools/parse-command.js";

/** A patch's changes keyed by absolute path (the v1 shape; v2 lists them sorted by path). */
export type PatchChanges = Record<string, V1FileChange>;

export interface TokenUsageInfo {
  total: TokenUsage;
  last: TokenUsage;
  modelContextWindow: number | null;
}

export interface ExecOutcome {
  stdout: string;
  stderr: string;
  aggregatedOutput: string;
  exitCode: number;
  durationMs: number;
  formattedOutput: string;
}

export type McpStartupStatus = { state: "starting" } | { state: "ready" } | { state: "failed"; error: string } | { state: "cancelled" };

export interface McpCallResult {
  content: unknown[];
  structuredContent?: unknown;
  isError?: boolean;
}

export interface PlanStep {
  step: string;
  status: "pending" | "in_progress" | "completed";
}

export type CoreEvent =
  | { type: "turnStarted"; turnId: string; modelContextWindow: number | null }
  | { type: "userMessage"; turnId: string; itemId: string; message: string; images: string[]; localImages: string[]; textElements: unknown[] }
  | { type: "agentMessageStarted"; turnId: string; itemId: string }
  | { type: "agentMessageDelta"; turnId: string; itemId: string; delta: string }
  | { type: "agentMessageCompleted"; turnId: string; itemId: string; text: string }
  | { type: "reasoningStarted"; turnId: string; itemId: string }
  | { type: "reasoningSummaryPartAdded"; turnId: string; itemId: string; summaryIndex: number }
  | { type: "reasoningSummaryDelta"; turnId: string; itemId: string; delta: string; summaryIndex: number }
  | { type: "reasoningTextDelta"; turnId: string; itemId: string; delta: string; contentIndex: number }
  | { type: "reasoningCompleted"; turnId: string; itemId: string; summary: string[]; content: string[] }
  | { type: "tokenCount"; turnId: string; info: TokenUsageInfo | null }
  /** `source` "userShell": the user's own command (thread/shellCommand), not a tool call of the model. */
  | { type: "execBegin"; turnId: string; callId: string; command: string[]; cwd: string; parsedCmd: ParsedCommand[]; source?: "userShell" }
  | { type: "execApprovalRequest"; turnId: string; callId: string; command: string[]; cwd: string; reason: string | null; parsedCmd: ParsedCommand[] }
  | { type: "execOutputDelta"; turnId: string; callId: string; stream: "stdout" | "stderr"; chunk: Buffer; source?: "userShell" }
  | {
      type: "execEnd";
      turnId: string;
      callId: string;
      command: string[];
      cwd: string;
      parsedCmd: ParsedCommand[];
      outcome: ExecOutcome;
      status: "completed" | "failed" | "declined";
      source?: "userShell";
    }
  /** A patch waits for the user's approval (v2 shows its fileChange item from here on). */
  | { type: "patchApprovalRequest"; turnId: string; callId: string; changes: PatchChanges; reason: string | null; grantRoot: string | null }
  | { type: "patchApplyBegin"; turnId: string; callId: string; autoApproved: boolean; changes: PatchChanges }
  /** The patch was applied (completed), refused while writing (failed), or declined by the user. */
  | {
      type: "patchApplyEnd";
      turnId: string;
      callId: string;
      stdout: string;
      stderr: string;
      success: boolean;
      status: "completed" | "failed" | "declined";
      changes: PatchChanges;
    }
  /** The turn's aggregated diff after a patch changed files. */
  | { type: "turnDiff"; turnId: string; unifiedDiff: string }
  /** An MCP server's startup, reported to a conversation before its first turn talks to the model. */
  | { type: "mcpStartupUpdate"; turnId: string; server: string; status: McpStartupStatus }
  | { type: "mcpStartupComplete"; turnId: string; ready: string[]; failed: { server: string; error: string }[]; cancelled: string[] }
  | { type: "mcpToolCallBegin"; turnId: string; callId: string; server: string; tool: string; arguments: unknown }
  | { type: "mcpToolCallProgress"; turnId: string; callId: string; message: string }
  /** `result` when the server answered (isError included), `error` when the call failed. */
  | {
      type: "mcpToolCallEnd";
      turnId: string;
      callId: string;
      server: string;
      tool: string;
      arguments: unknown;
      durationMs: number;
      outcome: { result: McpCallResult } | { error: string };
    }
  | { type: "planUpdate"; turnId: string; explanation: string | null; plan: PlanStep[] }
  | { type: "streamError"; turnId: string; message: string; attempt: number; max: number }
  /** The history is being compacted (v2 shows a contextCompaction item from here on). */
  | { type: "contextCompactionStarted"; turnId: string; itemId: string }
  /** The history was replaced by its compacted form. */
  | { type: "contextCompacted"; turnId: string; itemId: string }
  /** Something the user should know that does not stop the turn. */
  | { type: "warning"; turnId: string; message: string }
  /** The turn failed: a readable message, and what kind of failure it was. */
  | { type: "error"; turnId: string; message: string; info: FailureKind }
  /** A review turn began (after turnStarted); `review` is what is reviewed, for display. */
  | { type: "reviewModeEntered"; turnId: string; itemId: string; review: string }
  /** A review turn ended; `review` is the rendered findings ("" when it produced none). */
  | { type: "reviewModeExited"; turnId: string; itemId: string; review: string }
  | { type: "turnComplete"; turnId: string; lastAgentMessage: string | null }
  | { type: "turnAborted"; turnId: string; reason: "interrupted" };

export type CoreEventListener = (event: CoreEvent) => void;
