// Writes a plan to disk so that all of its files change or none do. New contents are first
// staged in temp files beside their targets (same directory, so the final rename is atomic and
// never crosses a filesystem); only when every stage succeeded are they renamed into place and
// deletions done. If any step fails, what was already changed is put back from the contents the
// plan holds in memory, and directories the commit created are removed.

import { randomBytes } from "node:crypto";
import type { BigIntStats } from "node:fs";
import * as fsp from "node:fs/promises";
import path from "node:path";
import { ApplyPatchError, describeOsError } from "./errors.js";
import { fileIdentity, type FileIdentity, type FileOutcome, type PatchPlan } from "./plan.js";
import { isNotFound, isWritableUnder, realTargetPath, resolveRoots } from "./target-paths.js";

/** The filesystem calls a commit makes; tests substitute one that fails on cue. */
export interface CommitFs {
  lstat(file: string): Promise<BigIntStats>;
  /** Like fs.mkdir(dir, { recursive: true }): resolves to the first directory created, if any. */
  mkdirp(dir: string): Promise<string | undefined>;
  /** Creates `file` exclusively (it must not exist) with `content`. */
  writeNew(file: string, content: string, mode: number): Promise<void>;
  chmod(file: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  rmdir(dir: string): Promise<void>;
}

export const nodeCommitFs: CommitFs = {
  lstat: (file) => fsp.lstat(file, { bigint: true }),
  mkdirp: (dir) => fsp.mkdir(dir, { recursive: true }),
  writeNew: (file, content, mode) => fsp.writeFile(file, content, { flag: "wx", mode }),
  chmod: (file, mode) => fsp.chmod(file, mode),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (file) => fsp.unlink(file),
  rmdir: (dir) => fsp.rmdir(dir),
};

export interface CommitOptions {
  /**
   * Where the patch may write: the sandbox policy's writable roots (checked on real paths; a
   * root's top-level `.git` stays read-only), or "anywhere" once the user approved the patch or
   * the policy is danger-full-access.
   */
  writableRoots: readonly string[] | "anywhere";
  fs?: CommitFs;
}

/**
 * Applies `plan` atomically. Throws ApplyPatchError, with nothing changed, when a target is
 * outside the writable roots, a file changed since the plan was made, or the filesystem refuses
 * a write (code "io"; the message says if a rollback could not restore something).
 */
export async function commitPatch(plan: PatchPlan, options: CommitOptions): Promise<void> {
  const fs = options.fs ?? nodeCommitFs;
  const touched = plan.files.filter((f) => f.before !== f.after);
  await checkRoots(touched, options.writableRoots);
  await checkUnchanged(touched, fs);

  const staged = new Map<FileOutcome, string>();
  const createdDirs: string[] = [];
  const done: FileOutcome[] = [];
  try {
    // Each phase runs its files concurrently: the targets are distinct paths, and a threadpool
    // round trip per file in sequence would dominate a large patch.
    const writes = touched.filter((f) => f.after !== null);
    const firstFileInDir = new Map<string, string>();
    for (const f of writes) if (!firstFileInDir.has(path.dirname(f.realPath))) firstFileInDir.set(path.dirname(f.realPath), f.realPath);
    for (const [dir, file] of firstFileInDir) {
      const created = await fs.mkdirp(dir).catch((error: unknown) => Promise.reject(new StepError(file, error)));
      if (created !== undefined) createdDirs.push(...dirsBetween(created, dir));
    }
    await settleAll(writes, async (file) => staged.set(file, await stage(fs, file.realPath, file.after ?? "", file.mode)));
    await settleAll(touched, async (file) => {
      const temp = staged.get(file);
      if (temp === undefined) {
        await fs.unlink(file.realPath);
      } else {
        await fs.rename(temp, file.realPath);
        staged.delete(file);
      }
      done.push(file);
    });
  } catch (error) {
    const failure = error instanceof StepError ? error : new StepError("", error);
    // Concurrent steps finish in any order; undo in patch order (reversed) so reports are stable.
    done.sort((a, b) => touched.indexOf(a) - touched.indexOf(b));
    const unrestored = await rollBack(fs, staged, done, createdDirs);
    const outcome = unrestored.length === 0 ? "No file was changed." : `These files could not be restored: ${unrestored.join(", ")}`;
    throw new ApplyPatchError("io", `Failed to write ${failure.target}: ${describeOsError(failure.cause)}. ${outcome}`);
  }
}

/** A failed filesystem step and the path it was for. */
class StepError extends Error {
  constructor(
    readonly target: string,
    override readonly cause: unknown,
  ) {
    super(target);
  }
}

/** Runs `step` on every file concurrently, waits for all, then throws the first failure (in file order). */
async function settleAll(files: readonly FileOutcome[], step: (file: FileOutcome) => Promise<unknown>): Promise<void> {
  const results = await Promise.allSettled(files.map((file) => step(file).catch((error: unknown) => Promise.reject(new StepError(file.realPath, error)))));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

async function checkRoots(files: readonly FileOutcome[], writableRoots: CommitOptions["writableRoots"]): Promise<void> {
  if (writableRoots === "anywhere") return;
  const roots = await resolveRoots(writableRoots).catch((error: unknown) =>
    Promise.reject(new ApplyPatchError("io", `Failed to resolve the writable roots: ${describeOsError(error)}`)),
  );
  for (const file of files) {
    if (!isWritableUnder(file.realPath, roots)) {
      throw new ApplyPatchError("outside-writable-roots", `Refusing to write ${file.realPath}: it is outside the writable roots`);
    }
  }
}

// Between planning and committing (an approval can take minutes) a file may have been edited,
// replaced, or a directory on its path swapped for a symlink; applying the plan then would
// clobber the edit or write somewhere unchecked. An existing file must still have the lstat
// identity (device, inode, size, mtime, ctime) it had when read; a path that was absent must
// still be absent, and its directories must still resolve to the same real place.
async function checkUnchanged(files: readonly FileOutcome[], fs: CommitFs): Promise<void> {
  await Promise.all(files.map((file) => checkFileUnchanged(file, fs)));
}

async function checkFileUnchanged(file: FileOutcome, fs: CommitFs): Promise<void> {
  const changed = () => new ApplyPatchError("changed-since-planned", `${file.realPath} changed after the patch was checked; nothing was applied`);
  let identity: FileIdentity | null;
  try {
    const stats = await fs.lstat(file.realPath);
    if (!stats.isFile()) throw changed();
    identity = fileIdentity(stats);
  } catch (error) {
    if (error instanceof ApplyPatchError) throw error;
    if (!isNotFound(error)) throw new ApplyPatchError("io", `Failed to read ${file.realPath}: ${describeOsError(error)}`);
    identity = null;
  }
  if (file.identity === null) {
    if (identity !== null || (await realTargetPath(file.realPath, false).catch(() => null)) !== file.realPath) throw changed();
  } else if (identity === null || !sameIdentity(identity, file.identity)) {
    throw changed();
  }
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

async function stage(fs: CommitFs, target: string, content: string, mode: number | null): Promise<string> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.apply-patch.tmp`);
  await fs.writeNew(temp, content, mode ?? 0o666);
  // The create mode passes through the umask; an existing file keeps its exact bits.
  if (mode !== null) await fs.chmod(temp, mode);
  return temp;
}

/** Undoes `done` (newest first) and removes leftovers; returns the paths it could not restore. */
async function rollBack(fs: CommitFs, staged: Map<FileOutcome, string>, done: readonly FileOutcome[], createdDirs: readonly string[]): Promise<string[]> {
  for (const temp of staged.values()) await fs.unlink(temp).catch(() => undefined);
  const unrestored: string[] = [];
  for (const file of [...done].reverse()) {
    try {
      if (file.before === null) {
        await fs.unlink(file.realPath);
      } else {
        const temp = await stage(fs, file.realPath, file.before, file.mode);
        await fs.rename(temp, file.realPath).catch(async (error: unknown) => {
          await fs.unlink(temp).catch(() => undefined);
          throw error;
        });
      }
    } catch {
      unrestored.push(file.realPath);
    }
  }
  // Deepest first; a directory something else has since written into stays.
  for (const dir of [...createdDirs].sort((a, b) => b.length - a.length)) await fs.rmdir(dir).catch(() => undefined);
  return unrestored;
}

/** `top` and each directory below it down to `bottom` (mkdir -p created all of them). */
function dirsBetween(top: string, bottom: string): string[] {
  const dirs: string[] = [];
  for (let d = bottom; d.length >= top.length; d = path.dirname(d)) {
    dirs.push(d);
    if (d === top || path.dirname(d) === d) break;
  }
  return dirs;
}
