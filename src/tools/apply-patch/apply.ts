// Plan and commit in one call, for callers that need no approval step in between (and for the
// bench). The turn loop normally plans, shows the changes, asks if needed, then commits.

import { commitPatch, type CommitFs } from "./commit.js";
import { ApplyPatchError } from "./errors.js";
import { planPatch, type PatchPlan } from "./plan.js";
import { successSummary, verificationFailedText } from "./tool-output.js";

export interface ApplyOptions {
  cwd: string;
  writableRoots: readonly string[] | "anywhere";
  maxFileBytes?: number;
  fs?: CommitFs;
}

export type ApplyOutcome =
  | { ok: true; plan: PatchPlan; output: string }
  /** `plan` is null when the patch was refused before a plan existed (nothing was written either way). */
  | { ok: false; plan: PatchPlan | null; error: ApplyPatchError; output: string };

/** Applies `patchText` all or nothing; `output` is the text for the model either way. */
export async function applyPatchText(patchText: string, options: ApplyOptions): Promise<ApplyOutcome> {
  let plan: PatchPlan | null = null;
  try {
    plan = await planPatch(patchText, { cwd: options.cwd, ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}) });
    await commitPatch(plan, { writableRoots: options.writableRoots, ...(options.fs !== undefined ? { fs: options.fs } : {}) });
    return { ok: true, plan, output: successSummary(plan) };
  } catch (error) {
    if (!(error instanceof ApplyPatchError)) throw error;
    return { ok: false, plan, error, output: verificationFailedText(error.message) };
  }
}
