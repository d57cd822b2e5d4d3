// The compaction step of the turn loop: asks for the compacted history (remotely from OpenAI's
// /responses/compact, otherwise by a summarisation request with no tools), swaps it in for the
// conversation's history, records it in the rollout and tells the client. The history is only
// replaced once the new one is complete: a failure leaves the conversation as it was.
import { randomUUID } from "node:crypto";
import { describeModelFailure } from "../model/failure-report.js";
import { modelLimits, type ModelLimits } from "../model/model-family.js";
import { ModelError, type ModelClient, type ResponseItem } from "../model/types.js";
import type { RemoteCompactor } from "../model/compact-client.js";
import { withCallOutputs } from "./call-outputs.js";
import { buildCompactedHistory, collectUserMessages, COMPACT_PROMPT, estimateHistoryTokens, initialContext, summaryText } from "./compaction.js";
import type { CoreEvent } from "./events.js";
import { addUsage, resetToEstimate, type UsageState } from "./token-usage.js";
import type { TurnRecorder } from "./turn-recorder.js";
import type { TurnSettings } from "./turn-runner.js";

/** The reference's advice after each compaction (a v1 `warning`). */
export const COMPACTION_WARNING =
  "Heads up: Long conversations and multiple compactions can cause the model to be less accurate. Start a new conversation when possible to keep conversations small and targeted.";

export interface CompactionDeps {
  conversationId: string;
  client: ModelClient;
  history: ResponseItem[];
  emit(event: CoreEvent): void;
  recorder: TurnRecorder;
  usage: UsageState;
  /** Present when the provider compacts on its side (OpenAI). */
  remoteCompact?: RemoteCompactor;
}

/** Whether the history has grown past the model's auto-compact limit. */
export function needsCompaction(usage: CompactionDeps["usage"], limits: ModelLimits): boolean {
  return limits.autoCompactTokenLimit !== null && (usage.contextTokens ?? 0) >= limits.autoCompactTokenLimit;
}

/** A model failure that says the request did not fit the context window. */
export function isContextWindowFailure(error: unknown): boolean {
  return error instanceof ModelError && describeModelFailure(error).info.kind === "contextWindowExceeded";
}

export async function compactHistory(turnId: string, settings: TurnSettings, deps: CompactionDeps, signal: AbortSignal): Promise<void> {
  const itemId = randomUUID();
  deps.emit({ type: "contextCompactionStarted", turnId, itemId });
  const before = [...deps.history];
  let replacement: ResponseItem[];
  let message: string;
  if (deps.remoteCompact) {
    replacement = await deps.remoteCompact(
      { model: settings.model, instructions: settings.instructions, input: withCallOutputs(before), conversationId: deps.conversationId },
      signal,
    );
    message = "";
  } else {
    const summary = await summarise(turnId, settings, deps, before, signal);
    message = summaryText(summary);
    replacement = buildCompactedHistory(initialContext(before), collectUserMessages(before), message);
  }
  if (signal.aborted) throw new ModelError("network", "compaction interrupted");
  deps.history.splice(0, deps.history.length, ...replacement);
  // Until the next response says how big it is, the new history is estimated: the total stays,
  // and clients' context meters get the estimate as the last usage (as the reference does).
  const info = resetToEstimate(deps.usage, estimateHistoryTokens(settings.instructions, replacement), contextWindow(settings));
  deps.recorder.tokenCount(info);
  deps.emit({ type: "tokenCount", turnId, info });
  deps.recorder.compacted(message, replacement);
  deps.emit({ type: "contextCompacted", turnId, itemId });
  deps.emit({ type: "warning", turnId, message: COMPACTION_WARNING });
}

/**
 * The model's summary of `history`. A summarisation that itself overflows the window drops the
 * oldest items until it fits (as the reference), keeping the recent ones.
 */
async function summarise(turnId: string, settings: TurnSettings, deps: CompactionDeps, history: readonly ResponseItem[], signal: AbortSignal): Promise<string> {
  const prompt: ResponseItem = { type: "message", role: "user", content: [{ type: "input_text", text: settings.compactPrompt ?? COMPACT_PROMPT }] };
  let input = withCallOutputs([...history]);
  for (;;) {
    try {
      return await summaryOf(turnId, settings, deps, [...input, prompt], signal);
    } catch (error) {
      if (!isContextWindowFailure(error) || input.length <= 1 || signal.aborted) throw error;
      input = withCallOutputs(dropOldest(input));
    }
  }
}

const contextWindow = (settings: TurnSettings) => modelLimits(settings.model, settings.modelOverrides).contextWindow;

/** The history without its first item, and without an output whose call went with it. */
function dropOldest(input: readonly ResponseItem[]): ResponseItem[] {
  const [first, ...rest] = input;
  if (first && (first.type === "function_call" || first.type === "custom_tool_call")) {
    return rest.filter((i) => !((i.type === "function_call_output" || i.type === "custom_tool_call_output") && i.call_id === first.call_id));
  }
  return rest;
}

async function summaryOf(turnId: string, settings: TurnSettings, deps: CompactionDeps, input: ResponseItem[], signal: AbortSignal): Promise<string> {
  const request = { model: settings.model, instructions: settings.instructions, input, tools: [], reasoning: null, conversationId: deps.conversationId };
  let summary = "";
  for await (const event of deps.client.stream(request, signal)) {
    if (signal.aborted) break;
    if (event.type === "output_item_done" && event.item.type === "message" && event.item.role === "assistant") {
      summary = event.item.content.map((c) => (c.type === "output_text" ? c.text : "")).join("");
    } else if (event.type === "retrying") {
      summary = "";
      deps.emit({ type: "streamError", turnId, message: event.message, attempt: event.attempt, max: event.max });
    } else if (event.type === "completed") {
      // The summarisation is a model request like any other: its usage counts (the remote
      // /responses/compact reports none the reference counts).
      const info = addUsage(deps.usage, event.usage, contextWindow(settings));
      if (info) deps.recorder.tokenCount(info);
      deps.emit({ type: "tokenCount", turnId, info });
      return summary;
    }
  }
  throw new ModelError("stream_closed", "stream disconnected before completion: stream closed before response.completed");
}
