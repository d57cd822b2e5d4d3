// The tools a conversation offers the model. apply_patch is offered as the reference 0.90 offers
// it, by model family (src/model/model-family.ts): the freeform (grammar) tool to the families
// trained on it (gpt-5.1, the codex models) or to any model with `[features]
// apply_patch_freeform = true`; the JSON function to the families that take it that way
// (gpt-oss), and instead of the freeform tool on a wire without custom tools (Chat Completions);
// otherwise not at all (gpt-5, gpt-4.1, o3… edit through the shell, where apply_patch
// invocations are intercepted anyway).
import type { WireApi } from "../config/types.js";
import { findModelFamily, type ApplyPatchToolType } from "../model/model-family.js";
import type { ToolSpec } from "../model/types.js";
import { APPLY_PATCH_FREEFORM_TOOL, APPLY_PATCH_JSON_TOOL } from "../tools/apply-patch/index.js";
import { SHELL_TOOL, UPDATE_PLAN_TOOL } from "../tools/tool-specs.js";

export interface ToolChoice {
  model: string;
  wireApi: WireApi;
  /** `[features] apply_patch_freeform` (the TOML table's value, unchecked). */
  applyPatchFreeform: unknown;
  includePlanTool: boolean;
}

/** How `model` is offered apply_patch; null: not offered as a tool. */
export function applyPatchToolType(model: string, featureFlag: unknown): ApplyPatchToolType | null {
  const family = findModelFamily(model).applyPatchToolType;
  return family ?? (featureFlag === true ? "freeform" : null);
}

export function toolsFor(choice: ToolChoice): ToolSpec[] {
  const tools: ToolSpec[] = [SHELL_TOOL];
  if (choice.includePlanTool) tools.push(UPDATE_PLAN_TOOL);
  const form = applyPatchToolType(choice.model, choice.applyPatchFreeform);
  if (form === "freeform" && choice.wireApi !== "chat") tools.push(APPLY_PATCH_FREEFORM_TOOL);
  else if (form !== null) tools.push(APPLY_PATCH_JSON_TOOL);
  return tools;
}

/** `[features] apply_patch_freeform` of an effective config table. */
export function applyPatchFreeformFlag(table: Record<string, unknown>): unknown {
  const features = table.features;
  return typeof features === "object" && features !== null ? (features as Record<string, unknown>).apply_patch_freeform : undefined;
}
