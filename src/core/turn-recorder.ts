// What a turn persists to the rollout, in the reference's line types: response_item for history,
// event_msg for task_started / user_message / agent_message / token_count / turn_aborted / patch_apply_end /
// item_completed (the user's own commands) / context_compacted / task_complete, turn_context before
// each model request, compacted for a compaction.
// task_started and task_complete carry the turn id and times (as 0.169 records them), so a thread read
// back shows the ids its client saw. Deltas and other lifecycle events are not persisted.
import { pathToFileURL } from "node:url";
import type { ResponseItem } from "../model/types.js";
import type { RolloutSink } from "./rollout-sink.js";
import type { CoreEvent, TokenUsageInfo } from "./events.js";
import type { TurnSettings, UserInput } from "./turn-runner.js";

export interface TurnRecorder {
  /** The turn starts being recorded (before its user message). */
  turnStarted(turnId: string, modelContextWindow: number | null): void;
  /** The turn ended (completed or failed). */
  turnComplete(turnId: string, lastAgentMessage: string | null): void;
  responseItem(item: ResponseItem): void;
  /** `steered`: input added to the running turn (turn/steer), part of that turn rather than a new one. */
  userMessage(input: UserInput, steered?: boolean): void;
  /** Before each model request; `turn_id` (as 0.169 records it) names the turn for later readers. */
  turnContext(settings: TurnSettings, turnId: string): void;
  modelOutput(items: ResponseItem[]): void;
  tokenCount(info: TokenUsageInfo): void;
  turnAborted(turnId: string): void;
  /** How a patch call ended: what thread/resume rebuilds fileChange items from. */
  patchApplyEnd(event: Extract<CoreEvent, { type: "patchApplyEnd" }>): void;
  /** How the user's own command ended (0.169's item_completed line): what thread/read rebuilds its item from. */
  userShellEnd(event: Extract<CoreEvent, { type: "execEnd" }>, startedAtMs: number, completedAtMs: number): void;
  /** The history was compacted: resume and fork continue from `replacementHistory`. */
  compacted(message: string, replacementHistory: readonly ResponseItem[]): void;
}

/** What the model is told about an interrupted turn (in the history and the rollout). */
export function turnAbortedItem(turnId: string): ResponseItem {
  return {
    type: "message",
    role: "user",
    content: [
      {
        type: "input_text",
        text: `<turn_aborted>\n  <turn_id>${turnId}</turn_id>\n  <reason>interrupted</reason>\n  <guidance>The user interrupted the previous turn. Do not continue it unless asked.</guidance>\n</turn_aborted>`,
      },
    ],
  };
}

export function rolloutRecorder(writer: RolloutSink, threadId: string): TurnRecorder {
  // One recorder per turn: what its lines need to know about it.
  let turn: { id: string; startedMs: number } | undefined;
  const ended = () => {
    const now = Date.now();
    return { completed_at: Math.floor(now / 1000), duration_ms: turn ? now - turn.startedMs : null };
  };
  return {
    turnStarted: (turnId, modelContextWindow) => {
      turn = { id: turnId, startedMs: Date.now() };
      writer.write("event_msg", {
        type: "task_started",
        turn_id: turnId,
        started_at: Math.floor(turn.startedMs / 1000),
        model_context_window: modelContextWindow,
      });
    },
    turnComplete: (turnId, lastAgentMessage) =>
      writer.write("event_msg", { type: "task_complete", turn_id: turnId, last_agent_message: lastAgentMessage, ...ended() }),
    responseItem: (item) => writer.write("response_item", item),
    userMessage: (input, steered) =>
      writer.write("event_msg", {
        type: "user_message",
        message: input.text,
        images: input.images,
        local_images: input.localImages,
        text_elements: input.textElements ?? [],
        ...(steered ? { steered: true } : {}),
      }),
    turnContext: (s, turnId) =>
      writer.write("turn_context", {
        turn_id: turnId,
        cwd: s.cwd,
        approval_policy: s.approvalPolicy,
        sandbox_policy: s.sandboxPolicy,
        model: s.model,
        effort: s.effort ?? null,
        summary: s.summary,
      }),
    modelOutput: (items) => {
      for (const item of items) {
        if (item.type === "message" && item.role === "assistant") {
          const message = item.content.map((c) => (c.type === "output_text" ? c.text : "")).join("");
          writer.write("event_msg", { type: "agent_message", message });
        }
        writer.write("response_item", item);
      }
    },
    tokenCount: (info) =>
      writer.write("event_msg", {
        type: "token_count",
        info: { total_token_usage: info.total, last_token_usage: info.last, model_context_window: info.modelContextWindow },
        rate_limits: null,
      }),
    patchApplyEnd: (e) =>
      writer.write("event_msg", {
        type: "patch_apply_end",
        call_id: e.callId,
        turn_id: e.turnId,
        stdout: e.stdout,
        stderr: e.stderr,
        success: e.success,
        changes: e.changes,
        status: e.status,
      }),
    userShellEnd: (e, startedAtMs, completedAtMs) => {
      const ms = Math.max(0, e.outcome.durationMs);
      writer.write("event_msg", {
        type: "item_completed",
        thread_id: threadId,
        turn_id: e.turnId,
        item: {
          type: "CommandExecution",
          id: e.callId,
          command: e.command,
          cwd: pathToFileURL(e.cwd).href,
          parsed_cmd: e.parsedCmd,
          source: "user_shell",
          status: e.status,
          aggregated_output: e.outcome.aggregatedOutput,
          exit_code: e.outcome.exitCode,
          duration: { secs: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) },
        },
        started_at_ms: startedAtMs,
        completed_at_ms: completedAtMs,
      });
    },
    compacted: (message, replacementHistory) => {
      writer.write("compacted", { message, replacement_history: replacementHistory });
      // As the reference: what v1 resume replays and thread/read shows as a contextCompaction item.
      writer.write("event_msg", { type: "context_compacted" });
    },
    turnAborted: (turnId) => {
      writer.write("response_item", turnAbortedItem(turnId));
      writer.write("event_msg", { type: "turn_aborted", turn_id: turnId, reason: "interrupted", ...ended() });
    },
  };
}
