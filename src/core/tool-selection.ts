// The tools a conversation offers the model. apply_patch is offered as the reference 0.90 offers
// it: as the freeform (grammar) tool to the model families trained on it (gpt-5.1 and later, the
// codex models) or to any model with `[features] apply_patch_freeform = true`; as the JSON
// function on a wire without custom tools (Chat Completions); otherwise not at all (gpt-5,
// gpt-4.1, o3… edit through the shell, where apply_patch invocations are intercepted anyway).
import type { WireApi } from "../config/types.js";
import type { ToolSpec } from "../model/types.js";
import { APPLY_PATCH_FREEFORM_TOOL, APPLY_PATCH_JSON_TOOL } from "../tools/apply-patch/index.js";
import { SHELL_TOOL, UPDATE_PLAN_TOOL } from "../tools/tool-specs.js";

const FREEFORM_FAMILIES = ["codex-", "gpt-5-codex", "gpt-5.1", "gpt-5.2", "gpt-5.3", "exp-", "test-gpt-5"];

export interface ToolChoice {
  model: string;
  wireApi: WireApi;
  /** `[features] apply_patch_freeform` (the TOML table's value, unchecked). */
  applyPatchFreeform: unknown;
  includePlanTool: boolean;
}

export function usesFreeformApplyPatch(model: string, featureFlag: unknown): boolean {
  return featureFlag === true || FREEFORM_FAMILIES.some((prefix) => model.startsWith(prefix));
}

export function toolsFor(choice: ToolChoice): ToolSpec[] {
  const tools: ToolSpec[] = [SHELL_TOOL];
  if (choice.includePlanTool) tools.push(UPDATE_PLAN_TOOL);
  if (usesFreeformApplyPatch(choice.model, choice.applyPatchFreeform)) {
    tools.push(choice.wireApi === "chat" ? APPLY_PATCH_JSON_TOOL : APPLY_PATCH_FREEFORM_TOOL);
  }
  return tools;
}

/** `[features] apply_patch_freeform` of an effective config table. */
export function applyPatchFreeformFlag(table: Record<string, unknown>): unknown {
  const features = table.features;
  return typeof features === "object" && features !== null ? (features as Record<string, unknown>).apply_patch_freeform : undefined;
}
