// The apply_patch library: parse, plan (all checks, in memory), commit (atomic), the change
// shapes both protocol faces send, the model-facing texts, shell-call recognition, the turn's
// aggregated diff and the tool specs. Nothing here emits events or asks for approval.

export { applyPatchText, type ApplyOptions, type ApplyOutcome } from "./apply.js";
export { commitPatch, nodeCommitFs, type CommitFs, type CommitOptions } from "./commit.js";
export { ApplyPatchError, type ApplyPatchErrorCode } from "./errors.js";
export { v1FileChanges, v2FileChanges, v2FromV1Changes, type V1FileChange, type V2FileUpdateChange, type V2PatchChangeKind } from "./file-changes.js";
export { parsePatch, PatchParseError, type ParsedPatch, type PatchHunk, type UpdateFileChunk } from "./parser.js";
export { DEFAULT_MAX_FILE_BYTES, planParsedPatch, planPatch, type FileOutcome, type PatchPlan, type PlannedChange, type PlanOptions } from "./plan.js";
export { patchTargets, planWritesOutsideRoots, targetsOutsideRoots, type PatchTarget } from "./patch-targets.js";
export { seekSequence } from "./seek-sequence.js";
export { extractHeredocInvocation, patchCwd, recogniseShellPatch, type ShellPatchInvocation } from "./shell-invocation.js";
export { isWritableUnder, realTargetPath, resolveRoots } from "./target-paths.js";
export { APPLY_PATCH_FREEFORM_TOOL, APPLY_PATCH_JSON_TOOL, APPLY_PATCH_LARK_GRAMMAR, parseApplyPatchArguments, type FreeformToolSpec } from "./tool-spec.js";
export {
  IMPLICIT_INVOCATION_TEXT,
  PATCH_REJECTED_BY_USER,
  successSummary,
  useApplyPatchToolWarning,
  verificationFailedText,
} from "./tool-output.js";
export { TurnDiffTracker } from "./turn-diff-tracker.js";
