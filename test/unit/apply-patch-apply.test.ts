import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyPatchText } from "../../src/tools/apply-patch/apply.js";
import { commitPatch, nodeCommitFs, type CommitFs } from "../../src/tools/apply-patch/commit.js";
import { ApplyPatchError } from "../../src/tools/apply-patch/errors.js";
import { patchTargets, planWritesOutsideRoots, targetsOutsideRoots } from "../../src/tools/apply-patch/patch-targets.js";
import { planPatch } from "../../src/tools/apply-patch/plan.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tempDir = useTempDirs(afterEach, "apply-patch-");
const wrap = (...body: string[]) => `*** Begin Patch\n${body.join("\n")}\n*** End Patch`;

/** Every file under `dir` (relative path -> content), to assert "nothing changed". */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isSymbolicLink()) out[path.relative(dir, p)] = `-> ${p}`;
      else out[path.relative(dir, p)] = readFileSync(p, "latin1");
    }
  };
  walk(dir);
  return out;
}

function workspace(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

async function refused(patch: string, cwd: string, writableRoots: readonly string[] | "anywhere" = [cwd]) {
  const before = snapshot(cwd);
  const outcome = await applyPatchText(patch, { cwd, writableRoots });
  if (outcome.ok) throw new Error(`expected a refusal, got ${outcome.output}`);
  expect(snapshot(cwd)).toEqual(before);
  return outcome;
}

describe("applyPatchText: successful patches", () => {
  it("adds, updates, deletes and moves with exact contents and the reference's summary", async () => {
    const cwd = workspace({ "modify.txt": "line1\nline2\n", "delete.txt": "gone\n", "old/name.txt": "from\nold\n" });
    const outcome = await applyPatchText(
      wrap(
        "*** Add File: nested/new.txt",
        "+created",
        "*** Delete File: delete.txt",
        "*** Update File: modify.txt",
        "@@",
        "-line2",
        "+changed",
        "*** Update File: old/name.txt",
        "*** Move to: renamed/dir/name.txt",
        "@@",
        " from",
        "-old",
        "+new",
      ),
      { cwd, writableRoots: [cwd] },
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.output).toBe("Success. Updated the following files:\nA nested/new.txt\nM modify.txt\nM renamed/dir/name.txt\nD delete.txt\n");
    expect(snapshot(cwd)).toEqual({
      "nested/new.txt": "created\n",
      "modify.txt": "line1\nchanged\n",
      "renamed/dir/name.txt": "from\nnew\n",
    });
  });

  it("overwrites an existing file on Add, as the reference does", async () => {
    const cwd = workspace({ "dup.txt": "old\n" });
    const outcome = await applyPatchText(wrap("*** Add File: dup.txt", "+new"), { cwd, writableRoots: [cwd] });
    expect(outcome.ok).toBe(true);
    expect(readFileSync(path.join(cwd, "dup.txt"), "utf8")).toBe("new\n");
    expect(outcome.plan?.changes[0]).toMatchObject({ kind: "add", oldContent: "old\n", newContent: "new\n" });
  });

  it("composes two hunks on the same file as if applied one after the other", async () => {
    const cwd = workspace({ "f.txt": "a\nb\n" });
    const outcome = await applyPatchText(wrap("*** Update File: f.txt", "@@", "-a", "+A", "*** Update File: f.txt", "@@", "-b", "+B"), { cwd, writableRoots: [cwd] });
    expect(outcome.ok).toBe(true);
    expect(readFileSync(path.join(cwd, "f.txt"), "utf8")).toBe("A\nB\n");
  });

  it("keeps the permission bits of an updated file and leaves no temp files behind", async () => {
    const cwd = workspace({ "run.sh": "echo a\n" });
    chmodSync(path.join(cwd, "run.sh"), 0o751);
    await applyPatchText(wrap("*** Update File: run.sh", "@@", "-echo a", "+echo b"), { cwd, writableRoots: [cwd] });
    expect(statSync(path.join(cwd, "run.sh")).mode & 0o777).toBe(0o751);
    expect(readdirSync(cwd)).toEqual(["run.sh"]);
  });

  it("resolves absolute paths and the cwd given", async () => {
    const cwd = workspace({ "sub/x.txt": "1\n" });
    const outcome = await applyPatchText(wrap(`*** Update File: ${path.join(cwd, "sub/x.txt")}`, "@@", "-1", "+2", "*** Add File: y.txt", "+y"), {
      cwd: path.join(cwd, "sub"),
      writableRoots: [cwd],
    });
    expect(outcome.ok).toBe(true);
    expect(snapshot(cwd)).toEqual({ "sub/x.txt": "2\n", "sub/y.txt": "y\n" });
  });

  it("writes through a symlink whose target is inside the writable roots", async () => {
    const cwd = workspace({ "real.txt": "a\n" });
    symlinkSync(path.join(cwd, "real.txt"), path.join(cwd, "link.txt"));
    const outcome = await applyPatchText(wrap("*** Update File: link.txt", "@@", "-a", "+b"), { cwd, writableRoots: [cwd] });
    expect(outcome.ok).toBe(true);
    expect(readFileSync(path.join(cwd, "real.txt"), "utf8")).toBe("b\n");
    expect(readFileSync(path.join(cwd, "link.txt"), "utf8")).toBe("b\n");
  });
});

describe("applyPatchText: bad input changes nothing", () => {
  it("a malformed patch", async () => {
    const cwd = workspace({ "a.txt": "a\n" });
    const outcome = await refused("*** Begin Patch\n*** Add File: x\n+x\n", cwd);
    expect(outcome.error.code).toBe("parse");
    expect(outcome.output).toBe("apply_patch verification failed: invalid patch: The last line of the patch must be '*** End Patch'");
  });

  it("a patch with no hunks", async () => {
    const outcome = await refused("*** Begin Patch\n*** End Patch", workspace({}));
    expect(outcome.output).toBe("apply_patch verification failed: No files were modified.");
  });

  it("context that does not match, even after an Add that would have succeeded", async () => {
    const cwd = workspace({ "modify.txt": "line1\nline2\n" });
    const outcome = await refused(wrap("*** Add File: created.txt", "+hello", "*** Update File: modify.txt", "@@", "-missing", "+x"), cwd);
    expect(outcome.error.code).toBe("context-mismatch");
    expect(outcome.output).toBe(`apply_patch verification failed: Failed to find expected lines in ${path.join(cwd, "modify.txt")}:\nmissing`);
  });

  it("an Update or a Delete of a missing file", async () => {
    const cwd = workspace({ "keep.txt": "k\n" });
    const update = await refused(wrap("*** Update File: nope.txt", "@@", "-a", "+b"), cwd);
    expect(update.error.code).toBe("missing-file");
    expect(update.error.message).toBe(`Failed to read file to update ${path.join(cwd, "nope.txt")}: No such file or directory (os error 2)`);
    const del = await refused(wrap("*** Delete File: nope.txt"), cwd);
    expect(del.error.message).toBe(`Failed to read ${path.join(cwd, "nope.txt")}: No such file or directory (os error 2)`);
  });

  it("an Update of a file an earlier hunk deleted", async () => {
    const cwd = workspace({ "f.txt": "a\n" });
    const outcome = await refused(wrap("*** Delete File: f.txt", "*** Update File: f.txt", "@@", "-a", "+b"), cwd);
    expect(outcome.error.code).toBe("missing-file");
  });

  it("a Delete of a directory, an Add or Update onto one", async () => {
    const cwd = workspace({ "dir/foo.txt": "x\n" });
    expect((await refused(wrap("*** Delete File: dir"), cwd)).error.code).toBe("not-a-file");
    expect((await refused(wrap("*** Add File: dir", "+x"), cwd)).error.code).toBe("not-a-file");
    expect((await refused(wrap("*** Update File: dir", "@@", "-x", "+y"), cwd)).error.code).toBe("not-a-file");
  });

  it("a Move onto an existing file", async () => {
    const cwd = workspace({ "a.txt": "a\n", "b.txt": "b\n" });
    const outcome = await refused(wrap("*** Update File: a.txt", "*** Move to: b.txt", "@@", "-a", "+c"), cwd);
    expect(outcome.error.code).toBe("move-destination-exists");
    expect(outcome.error.message).toBe(`Refusing to move ${path.join(cwd, "a.txt")} to ${path.join(cwd, "b.txt")}: the destination already exists`);
  });

  it("a binary file (NUL byte) and a non-UTF-8 file", async () => {
    const cwd = workspace({});
    writeFileSync(path.join(cwd, "bin.dat"), Buffer.from([0x61, 0x00, 0x0a]));
    writeFileSync(path.join(cwd, "latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect((await refused(wrap("*** Update File: bin.dat", "@@", "-a", "+b"), cwd)).error.code).toBe("binary");
    expect((await refused(wrap("*** Delete File: bin.dat"), cwd)).error.code).toBe("binary");
    expect((await refused(wrap("*** Update File: latin1.txt", "@@", "-x", "+y"), cwd)).error.code).toBe("binary");
  });

  it("a file over the size cap (50 MB against the 10 MB default), and new content over it", async () => {
    const cwd = workspace({});
    writeFileSync(path.join(cwd, "big.txt"), Buffer.alloc(50 * 1024 * 1024, 0x61));
    const outcome = await refused(wrap("*** Update File: big.txt", "@@", "-a", "+b"), cwd);
    expect(outcome.error.code).toBe("too-large");
    const small = await applyPatchText(wrap("*** Add File: x.txt", "+0123456789"), { cwd, writableRoots: [cwd], maxFileBytes: 5 });
    expect(small.ok === false && small.error.code).toBe("too-large");
    expect(existsSync(path.join(cwd, "x.txt"))).toBe(false);
  });

  it("a path escaping the writable roots with ..", async () => {
    const outer = workspace({ "outside.txt": "o\n" });
    const cwd = path.join(outer, "ws");
    mkdirSync(cwd);
    const outcome = await applyPatchText(wrap("*** Add File: inside.txt", "+i", "*** Update File: ../outside.txt", "@@", "-o", "+x"), { cwd, writableRoots: [cwd] });
    expect(outcome.ok === false && outcome.error.code).toBe("outside-writable-roots");
    expect(snapshot(outer)).toEqual({ "outside.txt": "o\n" });
  });

  it("a path escaping the writable roots through a symlinked directory or file", async () => {
    const outside = workspace({ "secret.txt": "s\n" });
    const cwd = workspace({});
    symlinkSync(outside, path.join(cwd, "escape"));
    symlinkSync(path.join(outside, "secret.txt"), path.join(cwd, "secret-link.txt"));
    const viaDir = await refused(wrap("*** Add File: escape/new.txt", "+n"), cwd);
    expect(viaDir.error.code).toBe("outside-writable-roots");
    expect(viaDir.error.message).toBe(`Refusing to write ${path.join(outside, "new.txt")}: it is outside the writable roots`);
    const viaFile = await refused(wrap("*** Update File: secret-link.txt", "@@", "-s", "+x"), cwd);
    expect(viaFile.error.code).toBe("outside-writable-roots");
    expect(snapshot(outside)).toEqual({ "secret.txt": "s\n" });
  });

  it("compares real paths with real roots (a writable root reached through a symlink)", async () => {
    const real = workspace({ "f.txt": "a\n" });
    const holder = workspace({});
    const viaLink = path.join(holder, "ws");
    symlinkSync(real, viaLink);
    const outcome = await applyPatchText(wrap("*** Update File: f.txt", "@@", "-a", "+b"), { cwd: viaLink, writableRoots: [viaLink] });
    expect(outcome.ok).toBe(true);
    expect(readFileSync(path.join(real, "f.txt"), "utf8")).toBe("b\n");
  });

  it("a write into the top-level .git of a writable root", async () => {
    const cwd = workspace({ ".git/config": "[core]\n" });
    const outcome = await refused(wrap("*** Update File: .git/config", "@@", "-[core]", "+[hooks]"), cwd);
    expect(outcome.error.code).toBe("outside-writable-roots");
  });

  it("deleting or moving a symlink", async () => {
    const cwd = workspace({ "real.txt": "a\n" });
    symlinkSync(path.join(cwd, "real.txt"), path.join(cwd, "link.txt"));
    expect((await refused(wrap("*** Delete File: link.txt"), cwd)).error.code).toBe("symlink");
    expect((await refused(wrap("*** Update File: link.txt", "*** Move to: moved.txt", "@@", "-a", "+b"), cwd)).error.code).toBe("symlink");
  });
});

describe("commitPatch: all or nothing", () => {
  // Fails the nth call of one operation, and passes every other call through.
  function failingFs(op: "rename" | "writeNew" | "unlink", nth: number): CommitFs {
    let calls = 0;
    const fail = () => {
      calls++;
      if (calls === nth) throw Object.assign(new Error("injected"), { code: "EIO" });
    };
    return {
      ...nodeCommitFs,
      rename: async (a, b) => (op === "rename" && fail(), nodeCommitFs.rename(a, b)),
      writeNew: async (f, c, m) => (op === "writeNew" && fail(), nodeCommitFs.writeNew(f, c, m)),
      unlink: async (f) => (op === "unlink" && fail(), nodeCommitFs.unlink(f)),
    };
  }

  const patch = wrap("*** Update File: one.txt", "@@", "-1", "+one", "*** Add File: dir/two.txt", "+two", "*** Delete File: three.txt", "*** Update File: four.txt", "@@", "-4", "+four");
  const files = { "one.txt": "1\n", "three.txt": "3\n", "four.txt": "4\n" };

  it.each([
    ["the second file's rename fails", "rename", 2],
    ["the last rename fails after a delete", "rename", 3],
    ["the delete fails after two files were replaced", "unlink", 1],
    ["staging the second file fails", "writeNew", 2],
  ] as const)("restores every file when %s", async (_name, op, nth) => {
    const cwd = workspace(files);
    const before = snapshot(cwd);
    const plan = await planPatch(patch, { cwd });
    const error = await commitPatch(plan, { writableRoots: [cwd], fs: failingFs(op, nth) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyPatchError);
    expect((error as ApplyPatchError).code).toBe("io");
    expect((error as ApplyPatchError).message).toMatch(/EIO\. No file was changed\.$/);
    expect(snapshot(cwd)).toEqual(before);
    expect(existsSync(path.join(cwd, "dir"))).toBe(false);
  });

  it("names the files it could not restore when the rollback fails too", async () => {
    const cwd = workspace(files);
    const plan = await planPatch(patch, { cwd });
    // every rename from the second on fails, including the rollback's own
    let renames = 0;
    const fs: CommitFs = {
      ...nodeCommitFs,
      rename: async (a, b) => {
        if (++renames >= 2) throw Object.assign(new Error("injected"), { code: "EIO" });
        return nodeCommitFs.rename(a, b);
      },
    };
    const error = await commitPatch(plan, { writableRoots: [cwd], fs }).catch((e: unknown) => e);
    expect((error as ApplyPatchError).message).toBe(`Failed to write ${path.join(cwd, "dir/two.txt")}: EIO. These files could not be restored: ${path.join(cwd, "three.txt")}, ${path.join(cwd, "one.txt")}`);
    expect(readdirSync(cwd).filter((n) => n.endsWith(".apply-patch.tmp"))).toEqual([]);
  });

  it("rolls back when a real filesystem error stops the second file (its parent is a file)", async () => {
    const cwd = workspace({ "one.txt": "1\n", blocker: "not a dir\n" });
    const outcome = await refused(wrap("*** Update File: one.txt", "@@", "-1", "+one", "*** Add File: blocker/two.txt", "+two"), cwd);
    expect(outcome.error.code).toBe("io");
    expect(outcome.error.message).toMatch(/^Failed to write .*\/blocker\/two\.txt: .*\. No file was changed\.$/);
    expect(outcome.error.message.startsWith(`Failed to write ${path.join(cwd, "blocker/two.txt")}: `)).toBe(true);
  });

  it("refuses a plan whose file changed after planning", async () => {
    const cwd = workspace({ "f.txt": "a\n" });
    const plan = await planPatch(wrap("*** Update File: f.txt", "@@", "-a", "+b"), { cwd });
    writeFileSync(path.join(cwd, "f.txt"), "a\nedited\n");
    const error = await commitPatch(plan, { writableRoots: [cwd] }).catch((e: unknown) => e);
    expect((error as ApplyPatchError).code).toBe("changed-since-planned");
    expect(readFileSync(path.join(cwd, "f.txt"), "utf8")).toBe("a\nedited\n");
  });

  it("writes outside the roots once the caller allows anywhere (after approval)", async () => {
    const outside = workspace({});
    const cwd = workspace({});
    const plan = await planPatch(wrap(`*** Add File: ${path.join(outside, "o.txt")}`, "+o"), { cwd });
    await expect(commitPatch(plan, { writableRoots: [cwd] })).rejects.toMatchObject({ code: "outside-writable-roots" });
    await commitPatch(plan, { writableRoots: "anywhere" });
    expect(readFileSync(path.join(outside, "o.txt"), "utf8")).toBe("o\n");
  });
});

describe("patchTargets", () => {
  it("lists every target with its real path, so the caller can ask before writing outside the roots", async () => {
    const outside = workspace({});
    const cwd = workspace({ "a.txt": "a\n" });
    symlinkSync(outside, path.join(cwd, "out"));
    const targets = await patchTargets(
      wrap("*** Add File: new/x.txt", "+x", "*** Update File: a.txt", "*** Move to: out/b.txt", "@@", "-a", "+b", "*** Delete File: ../c.txt"),
      cwd,
    );
    expect(targets).toEqual([
      { action: "add", path: path.join(cwd, "new/x.txt"), realPath: path.join(cwd, "new/x.txt") },
      { action: "move-from", path: path.join(cwd, "a.txt"), realPath: path.join(cwd, "a.txt") },
      { action: "move-to", path: path.join(cwd, "out/b.txt"), realPath: path.join(outside, "b.txt") },
      { action: "delete", path: path.join(path.dirname(cwd), "c.txt"), realPath: path.join(path.dirname(cwd), "c.txt") },
    ]);
    const outsideRoots = await targetsOutsideRoots(targets, [cwd]);
    expect(outsideRoots.map((t) => t.action)).toEqual(["move-to", "delete"]);
  });

  it("tells from a plan which real files it would change outside the roots", async () => {
    const outside = workspace({ "o.txt": "o\n" });
    const cwd = workspace({ "in.txt": "i\n" });
    symlinkSync(path.join(outside, "o.txt"), path.join(cwd, "o-link.txt"));
    const plan = await planPatch(wrap("*** Update File: in.txt", "@@", "-i", "+I", "*** Update File: o-link.txt", "@@", "-o", "+O"), { cwd });
    expect(await planWritesOutsideRoots(plan, [cwd])).toEqual([path.join(outside, "o.txt")]);
    expect(await planWritesOutsideRoots(plan, [cwd, outside])).toEqual([]);
  });
});
