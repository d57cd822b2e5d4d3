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
  cwd: string;
  commandActions: Record<string, unknown>[];
  decoders: { stdout: StringDecoder; stderr: StringDecoder };
}

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
  };
}

function tokenUsage(info: TokenUsageInfo) {
  return { total: usage(info.total), last: usage(info.last), modelContextWindow: info.modelContextWindow };
}

/** The v2 fileChange item of a patch call. */
export function fileChangeItem(id: string, changes: PatchChanges, status: string) {
  return { type: "fileChange", id, changes: v2FromV1Changes(changes), status };
}

export class ThreadEventMapper {
  private readonly commands = new Map<string, RunningCommand>();
  /** fileChange items started (at their approval request, or when applied without one). */
  private readonly patches = new Set<string>();
  private readonly turnErrors = new Map<string, { message: string; codexErrorInfo: unknown; additionalDetails: null }>();

  constructor(private readonly threadId: string) {}

  map(event: CoreEvent): V2Notification[] {
    const scoped = { threadId: this.threadId, turnId: event.turnId };
    const n = (method: string, params: Record<string, unknown>): V2Notification[] => [{ method, params: { ...params, ...scoped } }];
    switch (event.type) {
      case "turnStarted":
        return [{ method: "turn/started", params: { threadId: this.threadId, turn: this.turn(event.turnId, "inProgress", null) } }];
      case "userMessage": {
        const item = {
          type: "userMessage",
          id: event.itemId,
          content: [
            ...(event.message ? [{ type: "text", text: event.message }] : []),
            ...event.images.map((url) => ({ type: "image", url })),
            ...event.localImages.map((path) => ({ type: "localImage", path })),
          ],
        };
        return [...n("item/started", { item }), ...n("item/completed", { item })];
      }
      case "tokenCount":
        return event.info ? n("thread/tokenUsage/updated", { tokenUsage: tokenUsage(event.info) }) : [];
      case "agentMessageStarted":
        return n("item/started", { item: { type: "agentMessage", id: event.itemId, text: "" } });
      case "agentMessageDelta":
        return n("item/agentMessage/delta", { itemId: event.itemId, delta: event.delta });
      case "agentMessageCompleted":
        return n("item/completed", { item: { type: "agentMessage", id: event.itemId, text: event.text } });
      case "reasoningStarted":
        return n("item/started", { item: { type: "reasoning", id: event.itemId, summary: [], content: [] } });
      case "reasoningSummaryPartAdded":
        return n("item/reasoning/summaryPartAdded", { itemId: event.itemId, summaryIndex: event.summaryIndex });
      case "reasoningSummaryDelta":
        return n("item/reasoning/summaryTextDelta", { itemId: event.itemId, delta: event.delta, summaryIndex: event.summaryIndex });
      case "reasoningTextDelta":
        return n("item/reasoning/textDelta", { itemId: event.itemId, delta: event.delta, contentIndex: event.contentIndex });
      case "reasoningCompleted":
        return n("item/completed", { item: { type: "reasoning", id: event.itemId, summary: event.summary, content: event.content } });
      case "execBegin": {
        const running: RunningCommand = {
          command: shellJoin(event.command),
          cwd: event.cwd,
          commandActions: commandActions(event.parsedCmd),
          decoders: { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") },
        };
        this.commands.set(event.callId, running);
        return n("item/started", { item: this.commandItem(event.callId, running, "inProgress", null, null, null) });
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
          cwd: event.cwd,
          commandActions: commandActions(event.parsedCmd),
          decoders: { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") },
        };
        this.commands.delete(event.callId);
        const o = event.outcome;
        return n("item/completed", {
          item: this.commandItem(event.callId, running, event.status, o.aggregatedOutput, o.exitCode, Math.round(o.durationMs)),
        });
      }
      case "patchApprovalRequest":
      case "patchApplyBegin": {
        if (this.patches.has(event.callId)) return [];
        this.patches.add(event.callId);
        return n("item/started", { item: fileChangeItem(event.callId, event.changes, "inProgress") });
      }
      case "patchApplyEnd": {
        this.patches.delete(event.callId);
        const delta = event.stdout || event.stderr;
        return [
          ...(delta && event.status !== "declined" ? n("item/fileChange/outputDelta", { itemId: event.callId, delta }) : []),
          ...n("item/completed", { item: fileChangeItem(event.callId, event.changes, event.status) }),
        ];
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
          error: { message: event.message, codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } }, additionalDetails: null },
          willRetry: true,
        });
      case "error": {
        const error = { message: event.message, codexErrorInfo: codexErrorInfo(event.info), additionalDetails: null };
        this.turnErrors.set(event.turnId, error);
        return n("error", { error, willRetry: false });
      }
      case "reviewModeEntered":
      case "reviewModeExited": {
        const item = { type: event.type === "reviewModeEntered" ? "enteredReviewMode" : "exitedReviewMode", id: event.itemId, review: event.review };
        return [...n("item/started", { item }), ...n("item/completed", { item })];
      }
      case "turnComplete": {
        const error = this.turnErrors.get(event.turnId) ?? null;
        this.turnErrors.delete(event.turnId);
        return [{ method: "turn/completed", params: { threadId: this.threadId, turn: this.turn(event.turnId, error ? "failed" : "completed", error) } }];
      }
      case "turnAborted":
        this.turnErrors.delete(event.turnId);
        return [{ method: "turn/completed", params: { threadId: this.threadId, turn: this.turn(event.turnId, "interrupted", null) } }];
    }
  }

  private turn(id: string, status: string, error: unknown) {
    return { id, items: [], status, error };
  }

  private commandItem(id: string, c: RunningCommand, status: string, output: string | null, exitCode: number | null, durationMs: number | null) {
    return {
      type: "commandExecution",
      id,
      command: c.command,
      cwd: c.cwd,
      processId: null,
      status,
      commandActions: c.commandActions,
      aggregatedOutput: output,
      exitCode,
      durationMs,
    };
  }
}
