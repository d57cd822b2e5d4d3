import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyPatch, structuredPatch } from "diff";
import { commitPatch } from "../../src/tools/apply-patch/commit.js";
import { v1FileChanges, v2FileChanges } from "../../src/tools/apply-patch/file-changes.js";
import { planPatch, type PatchPlan } from "../../src/tools/apply-patch/plan.js";
import { TurnDiffTracker } from "../../src/tools/apply-patch/turn-diff-tracker.js";
import { blobId, diffHunks } from "../../src/tools/apply-patch/unified-diff.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tempDir = useTempDirs(afterEach, "apply-patch-diff-");
const wrap = (...body: string[]) => `*** Begin Patch\n${body.join("\n")}\n*** End Patch`;

function workspace(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

async function applied(cwd: string, patch: string): Promise<PatchPlan> {
  const plan = await planPatch(patch, { cwd });
  await commitPatch(plan, { writableRoots: [cwd] });
  return plan;
}

describe("diffHunks", () => {
  it("prints hunks with one line of context and GNU-style ranges", () => {
    expect(diffHunks("foo\nbar\nbaz\n", "foo\nBAR\nbaz\n", 1)).toBe("@@ -1,3 +1,3 @@\n foo\n-bar\n+BAR\n baz\n");
    expect(diffHunks("a\n", "a\nb\n", 0)).toBe("@@ -1,0 +2 @@\n+b\n");
    expect(diffHunks("", "x\n", 1)).toBe("@@ -0,0 +1 @@\n+x\n");
    expect(diffHunks("x\ny", "x\nz", 1)).toBe("@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n");
    expect(diffHunks("same\n", "same\n", 1)).toBe("");
  });

  it("computes git blob ids", () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(blobId("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });
});

describe("change shapes for the two faces", () => {
  it("gives the v1 changes map and the v2 changes list", async () => {
    const cwd = workspace({ "b.txt": "one\ntwo\n", "gone.txt": "bye\n", "old.txt": "x\n" });
    const plan = await planPatch(
      wrap("*** Add File: c.txt", "+new", "*** Update File: b.txt", "@@", " one", "-two", "+2", "*** Delete File: gone.txt", "*** Update File: old.txt", "*** Move to: moved.txt", "@@", "-x", "+y"),
      { cwd },
    );
    const p = (name: string) => path.join(cwd, name);
    expect(v1FileChanges(plan)).toEqual({
      [p("c.txt")]: { type: "add", content: "new\n" },
      [p("b.txt")]: { type: "update", unified_diff: "@@ -1,2 +1,2 @@\n one\n-two\n+2\n", move_path: null },
      [p("gone.txt")]: { type: "delete", content: "bye\n" },
      [p("old.txt")]: { type: "update", unified_diff: "@@ -1 +1 @@\n-x\n+y\n", move_path: p("moved.txt") },
    });
    expect(v2FileChanges(plan)).toEqual([
      { path: p("b.txt"), kind: { type: "update", move_path: null }, diff: "@@ -1,2 +1,2 @@\n one\n-two\n+2\n" },
      { path: p("c.txt"), kind: { type: "add" }, diff: "new\n" },
      { path: p("gone.txt"), kind: { type: "delete" }, diff: "bye\n" },
      { path: p("old.txt"), kind: { type: "update", move_path: p("moved.txt") }, diff: "@@ -1 +1 @@\n-x\n+y\n" },
    ]);
  });
});

describe("TurnDiffTracker", () => {
  it("is empty before anything is applied", () => {
    expect(new TurnDiffTracker("/w").unifiedDiff()).toBe("");
  });

  it("diffs against the content at the turn's first touch, across patches", async () => {
    const cwd = workspace({ "f.txt": "a\nb\nc\n" });
    const tracker = new TurnDiffTracker(cwd);
    tracker.recordApplied(await applied(cwd, wrap("*** Update File: f.txt", "@@", "-a", "+A")));
    tracker.recordApplied(await applied(cwd, wrap("*** Update File: f.txt", "@@", "-c", "+C")));
    expect(tracker.unifiedDiff()).toBe(
      [
        "diff --git a/f.txt b/f.txt",
        `index ${blobId("a\nb\nc\n")}..${blobId("A\nb\nC\n")} 100644`,
        "--- a/f.txt",
        "+++ b/f.txt",
        "@@ -1,3 +1,3 @@",
        "-a",
        "+A",
        " b",
        "-c",
        "+C",
        "",
      ].join("\n"),
    );
  });

  it("shows adds, deletes and a move as one section from the first name to the last", async () => {
    const cwd = workspace({ "del.txt": "d\n", "src.txt": "s\n" });
    const tracker = new TurnDiffTracker(cwd);
    tracker.recordApplied(await applied(cwd, wrap("*** Add File: new.txt", "+n", "*** Delete File: del.txt")));
    tracker.recordApplied(await applied(cwd, wrap("*** Update File: src.txt", "*** Move to: mid.txt", "@@", "-s", "+s2")));
    tracker.recordApplied(await applied(cwd, wrap("*** Update File: mid.txt", "*** Move to: dir/dst.txt", "@@", "-s2", "+s3")));
    expect(tracker.unifiedDiff()).toBe(
      [
        "diff --git a/new.txt b/new.txt",
        "new file mode 100644",
        `index ${"0".repeat(40)}..${blobId("n\n")}`,
        "--- /dev/null",
        "+++ b/new.txt",
        "@@ -0,0 +1 @@",
        "+n",
        "diff --git a/del.txt b/del.txt",
        "deleted file mode 100644",
        `index ${blobId("d\n")}..${"0".repeat(40)}`,
        "--- a/del.txt",
        "+++ /dev/null",
        "@@ -1 +0,0 @@",
        "-d",
        "diff --git a/src.txt b/dir/dst.txt",
        `index ${blobId("s\n")}..${blobId("s3\n")} 100644`,
        "--- a/src.txt",
        "+++ b/dir/dst.txt",
        "@@ -1 +1 @@",
        "-s",
        "+s3",
        "",
      ].join("\n"),
    );
  });

  it("drops a file the turn added and then deleted, and shows paths outside the root absolute", async () => {
    const cwd = workspace({});
    const other = workspace({ "o.txt": "o\n" });
    const tracker = new TurnDiffTracker(cwd);
    tracker.recordApplied(await applied(cwd, wrap("*** Add File: tmp.txt", "+t")));
    tracker.recordApplied(await applied(cwd, wrap("*** Delete File: tmp.txt")));
    expect(tracker.unifiedDiff()).toBe("");
    const plan = await planPatch(wrap(`*** Update File: ${path.join(other, "o.txt")}`, "@@", "-o", "+p"), { cwd });
    await commitPatch(plan, { writableRoots: "anywhere" });
    tracker.recordApplied(plan);
    expect(tracker.unifiedDiff().split("\n")[0]).toBe(`diff --git a/${path.join(other, "o.txt")} b/${path.join(other, "o.txt")}`);
  });
});

describe("diffHunks on large files", () => {
  // The untrimmed diff of the whole texts, printed the same way: what diffHunks must equal.
  function fullDiff(oldText: string, newText: string, context: number): string {
    const range = (start: number, length: number) => (length === 0 ? `${start - 1},0` : length === 1 ? `${start}` : `${start},${length}`);
    return structuredPatch("", "", oldText, newText, "", "", { context })
      .hunks.map((h) => `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@\n${h.lines.map((l) => `${l}\n`).join("")}`)
      .join("");
  }

  it("equals the diff of the whole texts when lines are distinct, and always rebuilds the new text", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let fresh = 0;
    for (let round = 0; round < 400; round++) {
      const repeated = round % 2 === 0;
      const line = () => (repeated ? ["a", "b", ""][rand(3)]! : `line ${fresh++}`);
      const lines = Array.from({ length: rand(14) }, line);
      const edited = [...lines];
      for (let e = rand(3); e >= 0; e--) {
        const at = rand(edited.length + 1);
        if (rand(2) === 0) edited.splice(at, 1);
        else edited.splice(at, 0, line());
      }
      const oldText = lines.join("\n") + (rand(2) ? "\n" : "");
      const newText = edited.join("\n") + (rand(2) ? "\n" : "");
      for (const context of [0, 1, 3]) {
        const what = JSON.stringify([oldText, newText, context]);
        const hunks = diffHunks(oldText, newText, context);
        if (!repeated) expect(hunks, what).toBe(fullDiff(oldText, newText, context));
        if (hunks !== "") expect(applyPatch(oldText, `--- a\n+++ b\n${hunks}`), what).toBe(newText);
      }
    }
  });
});
