import { describe, expect, it } from "vitest";
import { findModelFamily, modelLimits } from "../../src/model/model-family.js";

describe("model families", () => {
  it("known models carry their window, reasoning support and apply_patch type", () => {
    expect(findModelFamily("gpt-5.1-codex-max")).toMatchObject({ contextWindow: 272_000, supportsReasoningSummaries: true, applyPatchToolType: "freeform" });
    expect(findModelFamily("gpt-oss:20b")).toMatchObject({ family: "gpt-oss", contextWindow: 96_000, supportsReasoningSummaries: false, applyPatchToolType: "function" });
    expect(findModelFamily("openai/gpt-oss-120b")).toMatchObject({ family: "gpt-oss", contextWindow: 96_000 });
    expect(findModelFamily("gpt-4.1-2025-04-14")).toMatchObject({ family: "gpt-4.1", contextWindow: 1_047_576, needsApplyPatchInstructions: true });
    expect(findModelFamily("o3-mini")).toMatchObject({ contextWindow: 200_000, supportsReasoningSummaries: true });
    expect(findModelFamily("gpt-5")).toMatchObject({ family: "gpt-5", applyPatchToolType: null, needsApplyPatchInstructions: true });
  });

  it("an unknown model promises nothing: no window, no reasoning parameters, apply_patch through the shell", () => {
    expect(findModelFamily("llama3.1:8b")).toMatchObject({ family: "llama3.1:8b", contextWindow: null, supportsReasoningSummaries: false, applyPatchToolType: null });
    expect(modelLimits("llama3.1:8b")).toEqual({ contextWindow: null, autoCompactTokenLimit: null, supportsReasoning: false });
  });

  it("limits: the window clients see is 95 %, auto-compaction at 90 % of the full window", () => {
    expect(modelLimits("gpt-5.1-codex")).toEqual({ contextWindow: 258_400, autoCompactTokenLimit: 244_800, supportsReasoning: true });
  });

  it("config overrides beat the family, also for unknown models", () => {
    expect(modelLimits("llama3.1:8b", { contextWindow: 8_192 })).toEqual({ contextWindow: 7_782, autoCompactTokenLimit: 7_372, supportsReasoning: false });
    expect(modelLimits("gpt-5.1-codex", { autoCompactTokenLimit: 1_000, maxOutputTokens: 512 })).toEqual({
      contextWindow: 258_400,
      autoCompactTokenLimit: 1_000,
      supportsReasoning: true,
      maxOutputTokens: 512,
    });
  });
});
