// Aggregates the patches of one turn into a single git-style unified diff against each file's
// content when the turn first touched it (turn_diff / turn/diff/updated). A file the turn moved
// shows as one section from its first name to its last; a file added then deleted shows nothing.

import path from "node:path";
import type { PatchPlan } from "./plan.js";
import { isInside } from "./target-paths.js";
import { gitFileDiff } from "./unified-diff.js";

interface TrackedFile {
  /** Where the file was when the turn first touched it. */
  baselinePath: string;
  baseline: string | null;
  baselineMode: number | null;
  /** Where it is now, and its content there (null once deleted). */
  currentPath: string;
  current: string | null;
}

export class TurnDiffTracker {
  /** In first-touch order. */
  private readonly entries: TrackedFile[] = [];
  private readonly byCurrentPath = new Map<string, TrackedFile>();

  /** `displayRoot`: paths inside it are shown relative to it (the turn's cwd), others absolute. */
  constructor(private readonly displayRoot: string) {}

  /** Records a plan that was committed. Plans that failed must not be recorded. */
  recordApplied(plan: PatchPlan): void {
    for (const change of plan.changes) {
      const from = change.path;
      let tracked = this.byCurrentPath.get(from);
      if (tracked === undefined) {
        tracked = { baselinePath: from, baseline: change.oldContent, baselineMode: change.oldMode, currentPath: from, current: change.oldContent };
        this.entries.push(tracked);
        this.byCurrentPath.set(from, tracked);
      }
      tracked.current = change.newContent;
      const to = change.movePath;
      if (to !== null && to !== from) {
        this.byCurrentPath.delete(from);
        // A file the turn tracked at the destination (deleted earlier, or the plan would have
        // refused the move) is gone from there for good.
        const displaced = this.byCurrentPath.get(to);
        if (displaced !== undefined) displaced.current = null;
        tracked.currentPath = to;
        this.byCurrentPath.set(to, tracked);
      }
    }
  }

  /** The turn's diff so far; "" when nothing differs from the baselines. */
  unifiedDiff(): string {
    return this.entries
      .map((f) =>
        gitFileDiff({
          oldName: this.display(f.baselinePath),
          newName: this.display(f.currentPath),
          oldText: f.baseline,
          newText: f.current,
          mode: f.baselineMode,
        }),
      )
      .join("");
  }

  private display(abs: string): string {
    return isInside(this.displayRoot, abs) && abs !== this.displayRoot ? path.relative(this.displayRoot, abs) : abs;
  }
}
