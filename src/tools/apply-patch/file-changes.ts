// A plan's changes in the shapes the two protocol faces send. v1 (codex 0.90): a map keyed by
// absolute path, `{ type: "add", content } | { type: "delete", content } |
// { type: "update", unified_diff, move_path }` (patch_apply_begin.changes and
// applyPatchApproval.fileChanges). v2 (codex 0.169): a list of
// `{ path, kind: { type, move_path? }, diff }` (fileChange item `changes`), sorted by path.

import type { PatchPlan, PlannedChange } from "./plan.js";
import { diffHunks } from "./unified-diff.js";

export type V1FileChange =
  | { type: "add"; content: string }
  | { type: "delete"; content: string }
  | { type: "update"; unified_diff: string; move_path: string | null };

export type V2PatchChangeKind = { type: "add" } | { type: "delete" } | { type: "update"; move_path: string | null };

export interface V2FileUpdateChange {
  path: string;
  kind: V2PatchChangeKind;
  /** The new content for an add, the old content for a delete, the unified diff for an update. */
  diff: string;
}

// The reference's per-file diff uses one line of context.
const UPDATE_DIFF_CONTEXT = 1;

/**
 * v1 `changes`. Keyed by the path each hunk names; a later hunk on the same path replaces an
 * earlier one's entry, as in the reference's map.
 */
export function v1FileChanges(plan: PatchPlan): Record<string, V1FileChange> {
  const out: Record<string, V1FileChange> = {};
  for (const change of plan.changes) out[change.path] = v1Change(change);
  return out;
}

function v1Change(change: PlannedChange): V1FileChange {
  switch (change.kind) {
    case "add":
      return { type: "add", content: change.newContent ?? "" };
    case "delete":
      return { type: "delete", content: change.oldContent ?? "" };
    case "update":
      return { type: "update", unified_diff: updateDiff(change), move_path: change.movePath };
  }
}

/** v2 `changes`, one per path, sorted by path (the reference iterates a sorted map). */
export function v2FileChanges(plan: PatchPlan): V2FileUpdateChange[] {
  return v2FromV1Changes(v1FileChanges(plan));
}

/** The v2 list of a v1 changes map (what events and rollouts carry). */
export function v2FromV1Changes(changes: Readonly<Record<string, V1FileChange>>): V2FileUpdateChange[] {
  return Object.entries(changes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, change]) => v2Change(path, change));
}

function v2Change(path: string, change: V1FileChange): V2FileUpdateChange {
  switch (change.type) {
    case "add":
      return { path, kind: { type: "add" }, diff: change.content };
    case "delete":
      return { path, kind: { type: "delete" }, diff: change.content };
    case "update":
      return { path, kind: { type: "update", move_path: change.move_path }, diff: change.unified_diff };
  }
}

function updateDiff(change: PlannedChange): string {
  return diffHunks(change.oldContent ?? "", change.newContent ?? "", UPDATE_DIFF_CONTEXT);
}
