// The text the model gets back from apply_patch, worded as the reference words it.

import type { PatchPlan } from "./plan.js";

/**
 * "Success. Updated the following files:" then `A path` for adds, `M path` for updates (the
 * destination of a move), `D path` for deletes, each group in patch order, paths as the patch
 * spelled them.
 */
export function successSummary(plan: PatchPlan): string {
  const added: string[] = [];
  const modified: string[] = [];
  const deleted: string[] = [];
  for (const change of plan.changes) {
    if (change.kind === "add") added.push(change.displayPath);
    else if (change.kind === "delete") deleted.push(change.displayPath);
    else modified.push(change.moveDisplayPath ?? change.displayPath);
  }
  let out = "Success. Updated the following files:\n";
  for (const p of added) out += `A ${p}\n`;
  for (const p of modified) out += `M ${p}\n`;
  for (const p of deleted) out += `D ${p}\n`;
  return out;
}

/** A patch refused before anything was written (parse, context, missing file, bad target…). */
export function verificationFailedText(message: string): string {
  return `apply_patch verification failed: ${message}`;
}

/** What the model is told when the user declined the patch. */
export const PATCH_REJECTED_BY_USER = "patch rejected by user";

/**
 * Shell calls that carry a patch: the reference applies them and adds a user message
 * "Warning: <this>" to the model's input, telling it to use the tool instead.
 */
export function useApplyPatchToolWarning(toolName: string): string {
  return `apply_patch was requested via ${toolName}. Use the apply_patch tool instead of exec_command.`;
}

/** A bare patch sent as a command (no `apply_patch` in front of it). */
export const IMPLICIT_INVOCATION_TEXT = 'patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]';
