// Maps one thread's core event stream to v2 notifications (item/*, turn/*, thread/tokenUsage/*,
// error). Stateful only where v2 needs memory: a command's item between begin and end, a turn's
// error until it completes, and UTF-8 decoding of command output split across chunks.
import { StringDecoder } from "node:string_decoder";
import type { CoreEvent, PatchChanges, TokenUsageInfo } from "../../core/events.js";
import type { FailureKind, TokenUsage } from "../../model/types.js";
import type { CodexErrorInfo } from "../../protocol/v2/turn.js";
import { v2FromV1Changes } from "../../tools/apply-patch/index.js";
import type { ParsedCommand } from "../../tools/parse-command.js";
import { shellJoin } from "../../tools/parse-command.js";

export interface V2Notification {
  method: string;
  params: Record<string, unknown>;
}

interface RunningCommand {
  command: string;
  /** "agent": a tool call of the model; "userShell": the user's own command (thread/shellCommand). */
  source: CommandSource;
  cwd: string;
  commandActions: Record<string, unknown>[];
  decoders: { stdout: StringDecoder; stderr: StringDecoder };
}

export type CommandSource = "agent" | "userShell";

export function commandActions(parsed: ParsedCommand[]): Record<string, unknown>[] {
  return parsed.map((p) => {
    switch (p.type) {
      case "read":
        return { type: "read", command: p.cmd, name: p.name, path: p.path };
      case "list_files":
        return { type: "listFiles", command: p.cmd, path: p.path };
      case "search":
        return { type: "search", command: p.cmd, query: p.query, path: p.path };
      default:
        return { type: "unknown", command: p.cmd };
    }
  });
}

/** `"unauthorized"`, or `{ httpConnectionFailed: { httpStatusCode } }` for the kinds that carry a status. */
export function codexErrorInfo(info: FailureKind): CodexErrorInfo {
  switch (info.kind) {
    case "httpConnectionFailed":
      return { httpConnectionFailed: { httpStatusCode: info.httpStatusCode } };
    case "responseStreamDisconnected":
      return { responseStreamDisconnected: { httpStatusCode: info.httpStatusCode } };
    case "responseTooManyFailedAttempts":
      return { responseTooManyFailedAttempts: { httpStatusCode: info.httpStatusCode } };
    default:
      return info.kind;
  }
}

function usage(u: TokenUsage) {
  return {
    totalTokens: u.total_tokens,
    inputTokens: u.input_tokens,
    cachedInputTokens: u.cached_input_tokens,
    outputTokens: u.output_tokens,
    reasoningOutputTokens: u.reasoning_output_tokens,
    // The Responses and Chat wires report no cache writes.
    cacheWriteInputTokens: 0,
  };
}

function tokenUsage(info: TokenUsageInfo) {
  return { total: usage(info.total), last: usage(info.last), modelContextWindow: info.modelContextWindow };
}

// v2 items, live and rebuilt from rollouts alike. Every item carries when it started and completed
// (Unix ms; null when not known or not yet).

/** A text input as 0.169 shows it, with the UI spans the client sent with it. */
export function textInput(text: string, textElements: unknown[] = []) {
  return { type: "text", text, text_elements: textElements };
}

export function userMessageItem(id: string, content: Record<string, unknown>[], startedAtMs: number | null, completedAtMs: number | null) {
  return { type: "userMessage", id, clientId: null, content, startedAtMs, completedAtMs };
}

export function agentMessageItem(id: string, text: string, startedAtMs: number | null, completedAtMs: number | null) {
  return { type: "agentMessage", id, text, phase: null, memoryCitation: null, moderation: null, delivery: null, questions: null, startedAtMs, completedAtMs };
}

export function reasoningItem(id: string, summary: string[], content: string[], startedAtMs: number | null, completedAtMs: number | null) {
  return { type: "reasoning", id, summary, content, startedAtMs, completedAtMs };
}

/** The v2 fileChange item of a patch call. */
export function fileChangeItem(id: string, changes: PatchChanges, status: string, startedAtMs: number | null = null, completedAtMs: number | null = null) {
  return { type: "fileChange", id, changes: v2FromV1Changes(changes), status, startedAtMs, completedAtMs };
}

export function commandItem(
  id: string,
  c: Pick<RunningCommand, "command" | "cwd" | "commandActions"> & { source?: CommandSource },
  status: string,
  output: string | null,
  exitCode: number | null,
  durationMs: number | null,
  startedAtMs: number | null,
  completedAtMs: number | null,
): Record<string, unknown> {
  return {
    type: "commandExecution",
    id,
    source: c.source ?? "agent",
    pluginId: null,
    scriptPath: null,
    command: c.command,
    cwd: c.cwd,
    processId: null,
    status,
    commandActions: c.commandActions,
    aggregatedOutput: output,
    exitCode,
    durationMs,
    startedAtMs,
    completedAtMs,
  };
}

/** The v2 mcpToolCall item of an MCP call. */
export function mcpToolCallItem(
  call: { callId: string; server: string; tool: string; arguments: unknown },
  status: "inProgress" | "completed" | "failed",
  result: { content: unknown[]; structuredContent: unknown } | null,
  error: { message: string } | null,
  durationMs: number | null,
) {
  // 0.169's item also carries app/plugin presentation (none here: no apps or plugins) and the tool's
  // read-only hint (not carried on the call event: unknown).
  return {
    type: "mcpToolCall",
    id: call.callId,
    server: call.server,
    tool: call.tool,
    status,
    arguments: call.arguments,
    result,
    error,
    durationMs,
    appContext: null,
    mcpAppResourceUri: null,
    mcpAppUi: null,
    pluginId: null,
    readOnlyHint: null,
  };
}

export class ThreadEventMapper {
  private readonly commands = new Map<string, RunningCommand>();
  /** fileChange items started (at their approval request, or when applied without one), with when. */
  private readonly patches = new Map<string, number>();
  /** When each running turn and streaming item started (Unix ms). */
  private readonly turnStarts = new Map<string, number>();
  private readonly itemStarts = new Map<string, number>();
  private readonly turnErrors = new Map<string, { message: string; codexErrorInfo: unknown; additionalDetails: null; misalignment: null }>();

  constructor(private readonly threadId: string) {}

  map(event: CoreEvent): V2Notification[] {
    const now = Date.now();
    const scoped = { threadId: this.threadId, turnId: event.turnId };
    const n = (method: string, params: Record<string, unknown>): V2Notification[] => [{ method, params: { ...params, ...scoped } }];
    const started = (item: Record<string, unknown>) => n("item/started", { item, startedAtMs: now });
    const completed = (item: Record<string, unknown>) => n("item/completed", { item, completedAtMs: now, contentTokenCount: null });
    /** When the item started (forgetting it), now if it never was seen starting. */
    const startOf = (id: string) => {
      const at = this.itemStarts.get(id) ?? now;
      this.itemStarts.delete(id);
      return at;
    };
    switch (event.type) {
      case "turnStarted":
        this.turnStarts.set(event.turnId, now);
        return [{ method: "turn/started", params: { threadId: this.threadId, turn: this.turn(event.turnId, "inProgress", null, now) } }];
      case "userMessage": {
        const content = [
          ...(event.message ? [textInput(event.message, event.textElements)] : []),
          ...event.images.map((url) => ({ type: "image", url, detail: null })),
          ...event.localImages.map((path) => ({ type: "localImage", path, detail: null })),
        ];
        return [...started(userMessageItem(event.itemId, content, now, null)), ...completed(userMessageItem(event.itemId, content, now, now))];
      }
      case "tokenCount":
        return event.info ? n("thread/tokenUsage/updated", { tokenUsage: tokenUsage(event.info) }) : [];
      case "agentMessageStarted":
        this.itemStarts.set(event.itemId, now);
        return started(agentMessageItem(event.itemId, "", now, null));
      case "agentMessageDelta":
        return n("item/agentMessage/delta", { itemId: event.itemId, delta: event.delta });
      case "agentMessageCompleted":
        return completed(agentMessageItem(event.itemId, event.text, startOf(event.itemId), now));
      case "reasoningStarted":
        this.itemStarts.set(event.itemId, now);
        return started(reasoningItem(event.itemId, [], [], now, null));
      case "reasoningSummaryPartAdded":
        return n("item/reasoning/summaryPartAdded", { itemId: event.itemId, summaryIndex: event.summaryIndex });
      case "reasoningSummaryDelta":
        return n("item/reasoning/summaryTextDelta", { itemId: event.itemId, delta: event.delta, summaryIndex: event.summaryIndex });
      case "reasoningTextDelta":
        return n("item/reasoning/textDelta", { itemId: event.itemId, delta: event.delta, contentIndex: event.contentIndex });
      case "reasoningCompleted":
        return completed(reasoningItem(event.itemId, event.summary, event.content, startOf(event.itemId), now));
      case "execBegin": {
        const running: RunningCommand = {
          command: shellJoin(event.command),
          source: event.source ?? "agent",
          cwd: event.cwd,
          commandActions: commandActions(event.parsedCmd),
          decoders: { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") },
        };
        this.commands.set(event.callId, running);
        this.itemStarts.set(event.callId, now);
        return started(commandItem(event.callId, running, "inProgress", null, null, null, now, null));
      }
      case "execApprovalRequest":
        return [];
      case "execOutputDelta": {
        const delta = this.commands.get(event.callId)?.decoders[event.stream].write(event.chunk) ?? event.chunk.toString("utf8");
        return delta ? n("item/commandExecution/outputDelta", { itemId: event.callId, delta }) : [];
      }
      case "execEnd": {
        const running = this.commands.get(event.callId) ?? {
          command: shellJoin(event.command),
          source: event.source ?? "agent",
          cwd: event.cwd,
          commandActions: commandActions(event.parsedCmd),
          decoders: { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") },
        };
        this.commands.delete(event.callId);
        const o = event.outcome;
        const item = commandItem(event.callId, running, event.status, o.aggregatedOutput, o.exitCode, Math.round(o.durationMs), startOf(event.callId), now);
        return completed(item);
      }
      case "patchApprovalRequest":
      case "patchApplyBegin": {
        if (this.patches.has(event.callId)) return [];
        this.patches.set(event.callId, now);
        return started(fileChangeItem(event.callId, event.changes, "inProgress", now, null));
      }
      case "patchApplyEnd": {
        const startedAt = this.patches.get(event.callId) ?? now;
        this.patches.delete(event.callId);
        const delta = event.stdout || event.stderr;
        return [
          ...(delta && event.status !== "declined" ? n("item/fileChange/outputDelta", { itemId: event.callId, delta }) : []),
          ...completed(fileChangeItem(event.callId, event.changes, event.status, startedAt, now)),
        ];
      }
      case "mcpStartupUpdate":
        return [
          {
            method: "mcpServer/startupStatus/updated",
            params: {
              threadId: this.threadId,
              name: event.server,
              status: event.status.state,
              error: event.status.state === "failed" ? event.status.error : null,
              failureReason: null,
            },
          },
        ];
      case "mcpStartupComplete":
        return [];
      case "mcpToolCallBegin":
        return started({ ...mcpToolCallItem(event, "inProgress", null, null, null), startedAtMs: now, completedAtMs: null });
      case "mcpToolCallProgress":
        return n("item/mcpToolCall/progress", { itemId: event.callId, message: event.message });
      case "mcpToolCallEnd": {
        const o = event.outcome;
        const failed = "error" in o || o.result.isError === true;
        const result = "result" in o ? { content: o.result.content, structuredContent: o.result.structuredContent ?? null } : null;
        const error = "error" in o ? { message: o.error } : null;
        const item = mcpToolCallItem(event, failed ? "failed" : "completed", result, error, Math.round(event.durationMs));
        return completed({ ...item, startedAtMs: Math.round(now - event.durationMs), completedAtMs: now });
      }
      case "turnDiff":
        return n("turn/diff/updated", { diff: event.unifiedDiff });
      case "planUpdate":
        return n("turn/plan/updated", {
          explanation: event.explanation,
          plan: event.plan.map((p) => ({ step: p.step, status: p.status === "in_progress" ? "inProgress" : p.status })),
        });
      case "streamError":
        return n("error", {
          error: {
            message: event.message,
            codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
            additionalDetails: null,
            misalignment: null,
          },
          willRetry: true,
        });
      case "error": {
        const error = { message: event.message, codexErrorInfo: codexErrorInfo(event.info), additionalDetails: null, misalignment: null };
        this.turnErrors.set(event.turnId, error);
        return n("error", { error, willRetry: false });
      }
      case "reviewModeEntered":
      case "reviewModeExited": {
        // Entering and leaving review mode are instants: the item starts and completes at once.
        const item = { type: event.type === "reviewModeEntered" ? "enteredReviewMode" : "exitedReviewMode", id: event.itemId, review: event.review };
        return [...started({ ...item, startedAtMs: now, completedAtMs: null }), ...completed({ ...item, startedAtMs: now, completedAtMs: now })];
      }
      case "turnComplete": {
        const error = this.turnErrors.get(event.turnId) ?? null;
        this.turnErrors.delete(event.turnId);
        return [{ method: "turn/completed", params: { threadId: this.threadId, turn: this.ended(event.turnId, error ? "failed" : "completed", error, now) } }];
      }
      case "turnAborted":
        this.turnErrors.delete(event.turnId);
        return [{ method: "turn/completed", params: { threadId: this.threadId, turn: this.ended(event.turnId, "interrupted", null, now) } }];
      case "contextCompactionStarted":
        this.itemStarts.set(event.itemId, now);
        return started({ type: "contextCompaction", id: event.itemId, startedAtMs: now, completedAtMs: null });
      case "contextCompacted":
        // thread/compacted: what 0.90's clients wait for (0.169 only lists it, deprecated, and sends the item).
        return [
          ...completed({ type: "contextCompaction", id: event.itemId, startedAtMs: startOf(event.itemId), completedAtMs: now }),
          ...n("thread/compacted", {}),
        ];
      case "warning":
        return [];
    }
  }

  /** A turn as the turn notifications carry it: items are streamed as item/*, not repeated here. */
  private turn(id: string, status: string, error: unknown, startedMs: number | undefined, completedMs: number | null = null) {
    return {
      id,
      rootTurnId: id,
      items: [],
      itemsView: "notLoaded",
      status,
      error,
      startedAt: startedMs === undefined ? null : Math.floor(startedMs / 1000),
      completedAt: completedMs === null ? null : Math.floor(completedMs / 1000),
      durationMs: startedMs === undefined || completedMs === null ? null : completedMs - startedMs,
    };
  }

  private ended(id: string, status: string, error: unknown, now: number) {
    const startedMs = this.turnStarts.get(id);
    this.turnStarts.delete(id);
    // One turn runs at a time: what an interrupted turn left started is done with.
    this.itemStarts.clear();
    this.patches.clear();
    return this.turn(id, status, error, startedMs, now);
  }
}
