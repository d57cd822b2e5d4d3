// The conversation's token accounting, as the reference keeps it: every model response's usage
// (turn requests and summarisations alike) adds to the total and becomes the "last" figure; what
// the history takes in the window (what auto-compaction watches) is the last response's total.
import type { TokenUsage } from "../model/types.js";
import type { RolloutLine } from "../rollout/types.js";
import type { TokenUsageInfo } from "./events.js";

/** `contextTokens`: what the history is thought to take in the model's window. */
export interface UsageState {
  total: TokenUsage | null;
  contextTokens?: number;
}

export function zeroUsage(): TokenUsage {
  return { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };
}

/** Adds one response's usage; null while no response has reported any. */
export function addUsage(state: UsageState, last: TokenUsage | undefined, modelContextWindow: number | null): TokenUsageInfo | null {
  if (!last) return state.total ? { total: state.total, last: zeroUsage(), modelContextWindow } : null;
  state.contextTokens = last.total_tokens;
  const prev = state.total ?? zeroUsage();
  state.total = {
    input_tokens: prev.input_tokens + last.input_tokens,
    cached_input_tokens: prev.cached_input_tokens + last.cached_input_tokens,
    output_tokens: prev.output_tokens + last.output_tokens,
    reasoning_output_tokens: prev.reasoning_output_tokens + last.reasoning_output_tokens,
    total_tokens: prev.total_tokens + last.total_tokens,
  };
  return { total: state.total, last, modelContextWindow };
}

/**
 * After the history was replaced by an estimate-sized one: the total stays, "last" becomes the
 * estimate alone (as the reference's recompute_token_usage), so context meters drop at once.
 */
export function resetToEstimate(state: UsageState, estimate: number, modelContextWindow: number | null): TokenUsageInfo {
  state.contextTokens = estimate;
  state.total ??= zeroUsage();
  return { total: state.total, last: { ...zeroUsage(), total_tokens: estimate }, modelContextWindow };
}

/** Where a rollout's accounting stood: its last token_count (as the reference seeds a resumed or forked session). */
export function usageFromRollout(lines: readonly RolloutLine[]): UsageState {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.type !== "event_msg") continue;
    const payload = line.payload as { type?: unknown; info?: { total_token_usage?: TokenUsage; last_token_usage?: TokenUsage } | null };
    if (payload.type !== "token_count" || !payload.info?.total_token_usage) continue;
    const { total_token_usage: total, last_token_usage: last } = payload.info;
    return { total: { ...zeroUsage(), ...total }, ...(typeof last?.total_tokens === "number" ? { contextTokens: last.total_tokens } : {}) };
  }
  return { total: null };
}
