// One apply_patch call, whichever way the model made it (freeform tool, JSON function, or a shell
// command carrying a patch): plan it in memory, decide whether the user must approve it, show it
// (patch_apply_begin / fileChange item), commit it atomically, report the result and the turn's
// aggregated diff. A patch that cannot be planned changes nothing and its error goes back to the
// model as the tool output; the turn goes on.
import {
  ApplyPatchError,
  commitPatch,
  PATCH_REJECTED_BY_USER,
  planParsedPatch,
  planPatch,
  planWritesOutsideRoots,
  successSummary,
  v1FileChanges,
  verificationFailedText,
  type ParsedPatch,
  type PatchPlan,
  type TurnDiffTracker,
} from "../tools/apply-patch/index.js";
import type { AskForApproval } from "../protocol/config.js";
import type { SandboxPolicy } from "../sandbox/policy.js";
import type { ApprovalDecision } from "./approval-policy.js";
import type { CoreEvent, PatchChanges } from "./events.js";
import { patchWritableRoots } from "./patch-scope.js";

export interface PatchApprovalRequest {
  kind: "patch";
  turnId: string;
  callId: string;
  changes: PatchChanges;
  reason: string | null;
  grantRoot: string | null;
}

export interface PatchCallDeps {
  emit(event: CoreEvent): void;
  requestApproval(request: PatchApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
  approvedForSession: Set<string>;
  shellEnv(): NodeJS.ProcessEnv;
  decision(callId: string, decision: ApprovalDecision, source: "config" | "user"): void;
}

export interface PatchCallSettings {
  cwd: string;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
}

export type PatchCallResult = { kind: "done"; output: string; success: boolean } | { kind: "abort" };

/** The patch as text (tool input) or already parsed (recognised in a shell command). */
export type PatchSource = { text: string } | { parsed: ParsedPatch };

const REJECTED_BY_SETTINGS = "patch rejected: writing outside of the project; rejected by user approval settings";

export async function runPatchCall(
  turnId: string,
  callId: string,
  source: PatchSource,
  cwd: string,
  settings: PatchCallSettings,
  tracker: TurnDiffTracker,
  deps: PatchCallDeps,
  signal: AbortSignal,
): Promise<PatchCallResult> {
  let plan: PatchPlan;
  try {
    plan = "text" in source ? await planPatch(source.text, { cwd }) : await planParsedPatch(source.parsed, { cwd });
  } catch (error) {
    if (!(error instanceof ApplyPatchError)) throw error;
    return { kind: "done", output: verificationFailedText(error.message), success: false };
  }
  const changes = v1FileChanges(plan);
  let roots: readonly string[] | "anywhere";
  try {
    roots = await patchWritableRoots(settings.sandboxPolicy, settings.cwd, deps.shellEnv());
  } catch (error) {
    // e.g. the cwd is gone, or reached through a link planted inside a writable root.
    return { kind: "done", output: verificationFailedText(error instanceof Error ? error.message : String(error)), success: false };
  }
  const outside = roots === "anywhere" ? [] : await planWritesOutsideRoots(plan, roots);
  const sessionKeys = plan.files.filter((f) => f.before !== f.after).map((f) => sessionKey(f.realPath));
  const approvedBefore = sessionKeys.length > 0 && sessionKeys.every((k) => deps.approvedForSession.has(k));

  let autoApproved: boolean;
  if (approvedBefore) autoApproved = true;
  else if (settings.approvalPolicy === "untrusted") autoApproved = false;
  else if (outside.length === 0) autoApproved = true;
  else if (settings.approvalPolicy === "never") return { kind: "done", output: REJECTED_BY_SETTINGS, success: false };
  else autoApproved = false;

  if (autoApproved) {
    deps.decision(callId, "approved", "config");
  } else {
    deps.emit({ type: "patchApprovalRequest", turnId, callId, changes, reason: null, grantRoot: null });
    const decision = await deps.requestApproval({ kind: "patch", turnId, callId, changes, reason: null, grantRoot: null }, signal);
    if (signal.aborted) return { kind: "abort" };
    deps.decision(callId, decision, "user");
    if (decision === "abort") return { kind: "abort" };
    if (decision === "denied") {
      deps.emit({ type: "patchApplyEnd", turnId, callId, stdout: "", stderr: PATCH_REJECTED_BY_USER, success: false, status: "declined", changes });
      return { kind: "done", output: PATCH_REJECTED_BY_USER, success: false };
    }
    if (decision === "approved_for_session") for (const k of sessionKeys) deps.approvedForSession.add(k);
  }

  deps.emit({ type: "patchApplyBegin", turnId, callId, autoApproved, changes });
  try {
    // Approved by the user (or remembered): the patch may write where it asked to.
    await commitPatch(plan, { writableRoots: autoApproved && !approvedBefore ? roots : "anywhere" });
  } catch (error) {
    if (!(error instanceof ApplyPatchError)) throw error;
    const stderr = verificationFailedText(error.message);
    deps.emit({ type: "patchApplyEnd", turnId, callId, stdout: "", stderr, success: false, status: "failed", changes });
    return { kind: "done", output: stderr, success: false };
  }
  const stdout = successSummary(plan);
  deps.emit({ type: "patchApplyEnd", turnId, callId, stdout, stderr: "", success: true, status: "completed", changes });
  tracker.recordApplied(plan);
  deps.emit({ type: "turnDiff", turnId, unifiedDiff: tracker.unifiedDiff() });
  return { kind: "done", output: stdout, success: true };
}

/** approved_for_session remembers the real files a patch wrote. */
function sessionKey(realPath: string): string {
  return JSON.stringify({ patchPath: realPath });
}
