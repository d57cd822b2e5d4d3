// A turn that only compacts the history, on the client's request (v2 thread/compact/start): it
// starts and completes like any turn, so a client sees the contextCompaction item inside one.
import { describeModelFailure } from "../model/failure-report.js";
import { modelLimits } from "../model/model-family.js";
import { ModelError } from "../model/types.js";
import { compactHistory } from "./compaction-step.js";
import type { TurnDeps, TurnSettings } from "./turn-runner.js";

export async function runCompactionTurn(turnId: string, settings: TurnSettings, deps: TurnDeps, signal: AbortSignal): Promise<void> {
  const { emit } = deps;
  emit({ type: "turnStarted", turnId, modelContextWindow: modelLimits(settings.model, settings.modelOverrides).contextWindow });
  deps.recorder.turnContext(settings, turnId);
  try {
    await compactHistory(turnId, settings, deps, signal);
    emit({ type: "turnComplete", turnId, lastAgentMessage: null });
  } catch (error) {
    if (signal.aborted) {
      emit({ type: "turnAborted", turnId, reason: "interrupted" });
      return;
    }
    // The history is untouched: the thread goes on as it was.
    const failure =
      error instanceof ModelError ? describeModelFailure(error) : { message: "internal error while compacting", info: { kind: "other" as const } };
    emit({ type: "error", turnId, message: failure.message, info: failure.info });
    emit({ type: "turnComplete", turnId, lastAgentMessage: null });
    if (!(error instanceof ModelError)) throw error;
  }
}
