// Which real files a patch would write, before anything is read or applied: what the approval
// decision needs ("does this patch write outside the writable roots?").

import path from "node:path";
import { parsePatch } from "./parser.js";
import type { PatchPlan } from "./plan.js";
import { isWritableUnder, realTargetPath, resolveRoots } from "./target-paths.js";

export interface PatchTarget {
  /** What the hunk does to this path ("move-from"/"move-to" for the two ends of a rename). */
  action: "add" | "delete" | "update" | "move-from" | "move-to";
  /** cwd-resolved absolute path. */
  path: string;
  /** The same path with every symlink resolved: where the write really lands. */
  realPath: string;
}

/** The targets of `patchText` resolved against `cwd`; throws PatchParseError when malformed. */
export async function patchTargets(patchText: string, cwd: string): Promise<PatchTarget[]> {
  const { hunks } = parsePatch(patchText);
  const targets: PatchTarget[] = [];
  const add = async (action: PatchTarget["action"], p: string, followLeaf: boolean) => {
    const abs = path.resolve(cwd, p);
    targets.push({ action, path: abs, realPath: await realTargetPath(abs, followLeaf) });
  };
  for (const hunk of hunks) {
    if (hunk.type === "add") await add("add", hunk.path, true);
    else if (hunk.type === "delete") await add("delete", hunk.path, false);
    else if (hunk.movePath === null) await add("update", hunk.path, true);
    else {
      await add("move-from", hunk.path, false);
      await add("move-to", hunk.movePath, true);
    }
  }
  return targets;
}

/** The targets that lie outside `writableRoots` (or inside a root's `.git`): these need approval. */
export async function targetsOutsideRoots(targets: readonly PatchTarget[], writableRoots: readonly string[]): Promise<PatchTarget[]> {
  const roots = await resolveRoots(writableRoots);
  return targets.filter((t) => !isWritableUnder(t.realPath, roots));
}

/**
 * The real paths a planned patch would change outside `writableRoots`: non-empty means the
 * patch needs the user's approval (even under on-request), and commitPatch refuses it until
 * called with writableRoots "anywhere".
 */
export async function planWritesOutsideRoots(plan: PatchPlan, writableRoots: readonly string[]): Promise<string[]> {
  const roots = await resolveRoots(writableRoots);
  return plan.files.filter((f) => f.before !== f.after && !isWritableUnder(f.realPath, roots)).map((f) => f.realPath);
}
